// The least a client can do for one agent run: connect with a Bearer token, send the
// agent_execution trigger, JSON.parse frames until agent_completed, close. The baseline of the
// live-run and concurrency benchmarks.
//
//   node bench/minimal-client.js --url ws://127.0.0.1:8765/ws --jwt-secret S [--runs N --concurrency C]
import { Buffer } from 'node:buffer';
import { createHmac, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';

import { pathToFileURL } from 'node:url';

import WebSocket from 'ws';

const SESSION_DEADLINE_MS = 30_000;
const USER = 'ws-validate-user';
const MESSAGE = 'Generate brief test response with tool usage';

/** Mints an HS256 access token with the claims of docs/protocol.md section 2 (900 s lifetime). */
export function mintToken(secret, sub = USER) {
  const iat = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({
    permissions: ['read', 'write'],
    type: 'access',
    token_type: 'access',
    email: `${sub}@ws-validate.test`,
    sub,
    iss: 'netra-auth-service',
    iat,
    exp: iat + 900,
    jti: randomUUID(),
  })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Runs one session and resolves with whether agent_completed arrived; never rejects. */
export function runSession(url, token) {
  return new Promise((resolve) => {
    const threadId = randomUUID();
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    let completed = false;
    const timer = setTimeout(() => ws.terminate(), SESSION_DEADLINE_MS);
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          type: 'agent_execution',
          agent_type: 'data_helper',
          message: MESSAGE,
          thread_id: threadId,
          run_id: randomUUID(),
          user_context: { user_id: USER },
        }),
      );
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString('utf8'));
      if (frame.type === 'agent_completed' && !completed) {
        completed = true;
        ws.close(1000);
      }
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      clearTimeout(timer);
      resolve(completed);
    });
  });
}

/** Runs `runs` sessions, at most `concurrency` at a time, and returns counts and timing. */
export async function runSessions({ url, token, runs, concurrency }) {
  const started = performance.now();
  let next = 0;
  let completed = 0;
  const worker = async () => {
    while (next < runs) {
      next += 1;
      if (await runSession(url, token)) completed += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const durationMs = performance.now() - started;
  return {
    runs,
    completed,
    failed: runs - completed,
    durationMs: Math.round(durationMs),
    sessionsPerSecond: Math.round((runs / durationMs) * 1000 * 10) / 10,
  };
}

// Kept free of the benchmark helpers so that the baseline loads nothing but `ws`.
function readArgs(argv) {
  const args = {};
  for (let i = 0; i + 1 < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  return args;
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = readArgs(process.argv.slice(2));
  if (typeof args.url !== 'string' || (args['jwt-secret'] === undefined && !args.token)) {
    console.error('usage: minimal-client.js --url <ws-url> (--jwt-secret <s> | --token <jwt>)');
    console.error('                         [--runs N] [--concurrency C]');
    process.exitCode = 2;
  } else {
    const token = typeof args.token === 'string' ? args.token : mintToken(args['jwt-secret']);
    const summary = await runSessions({
      url: args.url,
      token,
      runs: Number(args.runs ?? 1),
      concurrency: Number(args.concurrency ?? 1),
    });
    console.log(JSON.stringify(summary));
    process.exitCode = summary.failed === 0 ? 0 : 1;
  }
}
