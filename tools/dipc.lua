-- SPDX-License-Identifier: BSD-3-Clause
--
-- Wireshark / tshark dissector for dipc messages captured by dipc-server
-- (/dipc/capture telemetry command; lib/server/dipc_capture.h).
--
--   tshark -X lua_script:tools/dipc.lua -r capture.pcapng
--   wireshark -X lua_script:tools/dipc.lua capture.pcapng
--   (or copy it to ~/.local/lib/wireshark/plugins/)
--
-- Each frame: Ethernet, ethertype 0x88B5 (local experimental), then one
-- dipc message as it was in its mbuf: the 24-byte version 1 header
-- (lib/msg/dipc_msg.h, little-endian) and the body. The MAC addresses
-- name the ends: 02:64:69:70:SS:SS is the client of slot SS (big-endian),
-- 02:64:69:70:ff:ff the server; a request goes client -> server, a
-- response server -> client. The pcapng block also carries the direction
-- (frame.packet_flags_direction: 1 in = request, 2 out = response) and the
-- slot (frame.interface_queue).
--
-- Filter fields: dipc.slot, dipc.direction, dipc.magic, dipc.version,
-- dipc.flags (and dipc.flags.request ... dipc.flags.compressed),
-- dipc.method, dipc.status, dipc.reserved, dipc.stream_id, dipc.body_len,
-- dipc.csum, dipc.body.

local ETHERTYPE = 0x88B5
local HDR_LEN = 24
local MAGIC = 0x43504944 -- "DIPC" read little-endian
local OUI = 0x02646970   -- 02:64:69:70
local SERVER = 0xffff

local dipc = Proto("dipc", "dipc message")

local methods = { [1] = "ECHO", [2] = "SINK" }
local statuses = {
	[0] = "OK",
	[1] = "BAD_MAGIC",
	[2] = "BAD_VERSION",
	[3] = "BAD_LENGTH",
	[4] = "BAD_FLAGS",
	[5] = "UNKNOWN_METHOD",
	[6] = "SHUTTING_DOWN",
	[7] = "BAD_MBUF",
}

local f = {
	slot = ProtoField.uint16("dipc.slot", "Slot", base.DEC),
	direction = ProtoField.string("dipc.direction", "Direction"),
	magic = ProtoField.uint32("dipc.magic", "Magic", base.HEX),
	version = ProtoField.uint8("dipc.version", "Version", base.DEC),
	flags = ProtoField.uint8("dipc.flags", "Flags", base.HEX),
	f_request = ProtoField.bool("dipc.flags.request", "Request", 8, nil, 0x01),
	f_response = ProtoField.bool("dipc.flags.response", "Response", 8, nil, 0x02),
	f_error = ProtoField.bool("dipc.flags.error", "Error", 8, nil, 0x04),
	f_oneway = ProtoField.bool("dipc.flags.oneway", "One-way", 8, nil, 0x08),
	f_csum = ProtoField.bool("dipc.flags.csum", "Checksum (CRC32C)", 8, nil, 0x10),
	f_compressed = ProtoField.bool("dipc.flags.compressed", "Compressed (LZ4)", 8, nil, 0x20),
	method = ProtoField.uint16("dipc.method", "Method", base.DEC, methods),
	status = ProtoField.uint16("dipc.status", "Status", base.DEC, statuses),
	reserved = ProtoField.uint16("dipc.reserved", "Reserved", base.HEX),
	stream_id = ProtoField.uint32("dipc.stream_id", "Stream id", base.DEC),
	body_len = ProtoField.uint32("dipc.body_len", "Body length", base.DEC),
	csum = ProtoField.uint32("dipc.csum", "Checksum", base.HEX),
	body = ProtoField.bytes("dipc.body", "Body"),
}
dipc.fields = {
	f.slot, f.direction, f.magic, f.version, f.flags, f.f_request, f.f_response, f.f_error,
	f.f_oneway, f.f_csum, f.f_compressed, f.method, f.status, f.reserved, f.stream_id,
	f.body_len, f.csum, f.body,
}

local e_short = ProtoExpert.new("dipc.short", "Shorter than a dipc header",
	expert.group.MALFORMED, expert.severity.ERROR)
local e_magic = ProtoExpert.new("dipc.bad_magic", "Magic is not DIPC",
	expert.group.MALFORMED, expert.severity.ERROR)
local e_len = ProtoExpert.new("dipc.bad_length", "body_len disagrees with the captured bytes",
	expert.group.MALFORMED, expert.severity.WARN)
local e_error = ProtoExpert.new("dipc.error", "Error response",
	expert.group.RESPONSE_CODE, expert.severity.NOTE)
dipc.experts = { e_short, e_magic, e_len, e_error }

local eth_src = Field.new("eth.src")
local eth_dst = Field.new("eth.dst")

-- The client's slot and the direction, from the MAC addresses.
local function ends()
	local src, dst = eth_src(), eth_dst()
	if src == nil or dst == nil then
		return nil
	end
	local s, d = src.range, dst.range
	if s:range(0, 4):uint() ~= OUI or d:range(0, 4):uint() ~= OUI then
		return nil
	end
	if d:range(4, 2):uint() == SERVER then
		return s:range(4, 2), "request"
	end
	return d:range(4, 2), "response"
end

function dipc.dissector(tvb, pinfo, tree)
	local len = tvb:len()
	pinfo.cols.protocol = "DIPC"
	local t = tree:add(dipc, tvb(), "dipc message")
	local slot_range, dir = ends()
	if slot_range ~= nil then
		t:add(f.slot, slot_range)
		t:add(f.direction, dir)
	end
	if len < HDR_LEN then
		t:add_proto_expert_info(e_short)
		pinfo.cols.info = "dipc: short message (" .. len .. " bytes)"
		return len
	end
	local magic = tvb(0, 4):le_uint()
	local mi = t:add_le(f.magic, tvb(0, 4))
	if magic ~= MAGIC then
		mi:add_proto_expert_info(e_magic)
	end
	t:add_le(f.version, tvb(4, 1))
	local fl = t:add_le(f.flags, tvb(5, 1))
	fl:add_le(f.f_request, tvb(5, 1))
	fl:add_le(f.f_response, tvb(5, 1))
	fl:add_le(f.f_error, tvb(5, 1))
	fl:add_le(f.f_oneway, tvb(5, 1))
	fl:add_le(f.f_csum, tvb(5, 1))
	fl:add_le(f.f_compressed, tvb(5, 1))
	t:add_le(f.method, tvb(6, 2))
	local si = t:add_le(f.status, tvb(8, 2))
	t:add_le(f.reserved, tvb(10, 2))
	t:add_le(f.stream_id, tvb(12, 4))
	local bi = t:add_le(f.body_len, tvb(16, 4))
	t:add_le(f.csum, tvb(20, 4))
	local flags = tvb(5, 1):uint()
	local method = tvb(6, 2):le_uint()
	local status = tvb(8, 2):le_uint()
	local body_len = tvb(16, 4):le_uint()
	if bit.band(flags, 0x04) ~= 0 then
		si:add_proto_expert_info(e_error)
	end
	if body_len ~= len - HDR_LEN then
		bi:add_proto_expert_info(e_len)
	end
	if len > HDR_LEN then
		t:add(f.body, tvb(HDR_LEN))
	end
	local what = dir or (bit.band(flags, 0x02) ~= 0 and "response" or "request")
	local info = string.format("%s stream %u %s len %u", what, tvb(12, 4):le_uint(),
		methods[method] or ("method " .. method), body_len)
	if slot_range ~= nil then
		info = string.format("slot %u ", slot_range:uint()) .. info
	end
	if status ~= 0 then
		info = info .. " " .. (statuses[status] or ("status " .. status))
	end
	pinfo.cols.info = info
	return len
end

DissectorTable.get("ethertype"):add(ETHERTYPE, dipc)
