// SPDX-License-Identifier: BSD-3-Clause
//
// The Node.js baseline of tools/baselines.sh: child_process IPC with JSON
// messages (process.send), the way a Node.js program talks to a worker
// process. The parent is pinned to the client CPU, the child (a fork of this
// file) to the server CPU, every thread of each (taskset -a), as dipc-perf
// and dipc-server's worker are.
//
//   node tools/node-ipc-bench.js --mode pingpong|stream [--size N]
//        [--duration S] [--warmup S] [--cpus C,S] [--json]
//
// pingpong: the parent sends {seq, body} with a body of --size characters,
// the child sends the same object back; each round trip is timed from
// send() to the 'message' event. stream: the parent sends as fast as the
// channel takes them (a send() that returns false waits for its callback);
// the child counts what arrives between a start mark (after the warm-up)
// and a stop mark, and the rate is that count over the time from sending
// the start mark to receiving the count. Percentiles use dipc-perf's
// log-linear histogram (app/perf/hist.c) so all tools round alike.
'use strict';

const { fork, execFileSync } = require('child_process');

const HIST_SUB_BITS = 6, HIST_SUB = 1 << HIST_SUB_BITS, HIST_BUCKETS = 40 * HIST_SUB;

function histIndex(v) {
  if (v < HIST_SUB) return v;
  const msb = Math.floor(Math.log2(v));
  const shift = msb - HIST_SUB_BITS;
  if ((shift + 1) * HIST_SUB >= HIST_BUCKETS) return HIST_BUCKETS - 1;
  return (shift + 1) * HIST_SUB + (Math.floor(v / 2 ** shift) & (HIST_SUB - 1));
}

function histValue(idx) {
  if (idx < HIST_SUB) return idx;
  const shift = Math.floor(idx / HIST_SUB) - 1;
  return (HIST_SUB + (idx % HIST_SUB)) * 2 ** shift + Math.floor(2 ** shift / 2);
}

class Hist {
  constructor() {
    this.bucket = new Float64Array(HIST_BUCKETS);
    this.count = 0; this.min = Infinity; this.max = 0; this.sum = 0;
  }
  add(ns) {
    this.bucket[histIndex(ns)]++;
    this.count++; this.sum += ns;
    this.min = Math.min(this.min, ns); this.max = Math.max(this.max, ns);
  }
  percentile(pct) {
    if (this.count === 0) return 0;
    let rank = Math.floor(pct / 100 * this.count), seen = 0;
    if (rank >= this.count) rank = this.count - 1;
    for (let i = 0; i < HIST_BUCKETS; i++) {
      seen += this.bucket[i];
      if (seen > rank) return Math.min(Math.max(histValue(i), this.min), this.max);
    }
    return this.max;
  }
}

function usage(msg) {
  process.stderr.write(`node-ipc-bench: ${msg}\n` +
    'usage: node node-ipc-bench.js --mode pingpong|stream [--size N] [--duration S] ' +
    '[--warmup S] [--cpus C,S] [--json]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { mode: 'pingpong', size: 64, duration: 5, warmup: 1, cpus: [0, 1], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === '--json') { o.json = true; continue; }
    if (v === undefined) usage(`option ${a} needs a value`);
    i++;
    if (a === '--mode') {
      if (v !== 'pingpong' && v !== 'stream') usage(`unknown mode '${v}'`);
      o.mode = v;
    } else if (a === '--size') {
      o.size = Number(v);
      if (!Number.isInteger(o.size) || o.size < 1 || o.size > (1 << 24)) usage(`bad --size '${v}'`);
    } else if (a === '--duration' || a === '--warmup') {
      const d = Number(v);
      if (!(d >= 0 && d <= 86400)) usage(`bad ${a} '${v}'`);
      o[a.slice(2)] = d;
    } else if (a === '--cpus') {
      const m = /^(\d+),(\d+)$/.exec(v);
      if (!m) usage(`bad --cpus '${v}'`);
      o.cpus = [Number(m[1]), Number(m[2])];
    } else {
      usage(`unknown option '${a}'`);
    }
  }
  return o;
}

// Every thread of @pid on @cpu: V8 and libuv start threads of their own.
function pin(pid, cpu) {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

const now = () => Number(process.hrtime.bigint());

function child() {
  let counting = false, count = 0;
  process.on('message', (m) => {
    if (m.body !== undefined) {
      if (m.seq !== undefined && m.stream === undefined) process.send(m);
      else if (counting) count++;
    } else if (m.mark) {
      counting = true; count = 0;
    } else if (m.stop) {
      process.send({ count }, () => process.disconnect());
    }
  });
  process.send({ ready: true });
}

function report(o, messages, elapsedNs, hist) {
  const secs = elapsedNs / 1e9, rate = secs > 0 ? messages / secs : 0;
  const r = {
    tool: 'node-ipc-bench', mode: o.mode, size: o.size, cpus: o.cpus,
    node: process.version, duration_s: Number(secs.toFixed(3)), messages,
    msgs_per_s: Math.round(rate), mb_per_s: Number((rate * o.size / 1e6).toFixed(3)),
  };
  if (hist && hist.count) {
    r.lat_ns = {
      min: hist.min, p50: hist.percentile(50), p90: hist.percentile(90),
      p99: hist.percentile(99), p999: hist.percentile(99.9), max: hist.max,
      mean: Math.round(hist.sum / hist.count),
    };
  }
  if (o.json) {
    console.log(JSON.stringify(r));
  } else {
    let line = `node-ipc-bench ${o.mode}, ${o.size} B, parent CPU ${o.cpus[0]}, child CPU ` +
      `${o.cpus[1]}: ${r.msgs_per_s} msg/s, ${r.mb_per_s} MB/s`;
    if (r.lat_ns) line += `; round trip ns p50 ${r.lat_ns.p50} p99 ${r.lat_ns.p99}`;
    console.log(line);
  }
}

function parent(o) {
  pin(process.pid, o.cpus[0]);
  const c = fork(__filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const body = 'x'.repeat(o.size);
  let failed = false;
  c.on('exit', (code, sig) => {
    if (code !== 0 && !failed) {
      failed = true;
      process.stderr.write(`node-ipc-bench: the child exited (${code ?? sig})\n`);
      process.exitCode = 1;
    }
  });
  c.once('message', (m) => {
    if (!m.ready) throw new Error('node-ipc-bench: unexpected first message');
    pin(c.pid, o.cpus[1]);
    if (o.mode === 'pingpong') pingpong(o, c, body); else stream(o, c, body);
  });
}

function pingpong(o, c, body) {
  const hist = new Hist();
  const start = now(), warmEnd = start + o.warmup * 1e9, end = warmEnd + o.duration * 1e9;
  let seq = 0, t0 = 0, first = 0, last = 0;
  c.on('message', (m) => {
    const t1 = now();
    if (m.seq !== seq || m.body.length !== o.size) {
      process.stderr.write('node-ipc-bench: wrong echo\n');
      process.exit(1);
    }
    if (t0 >= warmEnd) {
      if (first === 0) first = t0;
      hist.add(t1 - t0);
    }
    if (t1 >= end && hist.count > 0) { // at least one measured, however late
      last = t1;
      report(o, hist.count, last - first, hist);
      c.disconnect();
      return;
    }
    seq++;
    t0 = now();
    c.send({ seq, body });
  });
  t0 = now();
  c.send({ seq, body });
}

function stream(o, c, body) {
  const start = now(), warmEnd = start + o.warmup * 1e9;
  let end = 0, t0 = 0, seq = 0, marked = false;
  const msg = { seq: 0, stream: 1, body };
  c.on('message', (m) => {
    if (m.count === undefined) return;
    report(o, m.count, now() - t0, null);
  });
  function pump() {
    for (;;) {
      const t = now();
      if (!marked && t >= warmEnd) {
        marked = true;
        t0 = t;
        end = t0 + o.duration * 1e9;
        c.send({ mark: true });
      }
      if (marked && t >= end) {
        c.send({ stop: true });
        return;
      }
      msg.seq = seq++;
      // false: the channel's backlog is full; go on once this one is out.
      if (!c.send(msg, (err) => { if (!err && waiting) { waiting = false; pump(); } })) {
        waiting = true;
        return;
      }
    }
  }
  let waiting = false;
  pump();
}

if (process.argv[2] === '--child') child();
else parent(parseArgs(process.argv.slice(2)));
