// Writes a plain NDJSON file of received frames for one long canonical run (docs/protocol.md section 5):
// connection_established, agent_started, then rounds of agent_thinking / tool_executing /
// tool_completed with correlation ids and an occasional heartbeat, ending in agent_completed.
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const THREAD_ID = 'thread_bench_5f0c9a7e';
const RUN_ID = 'run_thread_bench_5f0c9a7e_1';
const EPOCH_S = 1795519554;
const HEARTBEAT_EVERY = 50;
const LINES_PER_WRITE = 5_000;

/** The envelope fields every agent event of the run carries; ISO and epoch timestamps alternate. */
function envelope(type, i) {
  const timestamp =
    i % 2 === 0 ? new Date((EPOCH_S + i / 1000) * 1000).toISOString() : EPOCH_S + i / 1000;
  return { type, timestamp, run_id: RUN_ID, thread_id: THREAD_ID };
}

/** The frames of the run in order; exactly `total` of them (at least 3). */
export function* generateFrames(total) {
  yield {
    type: 'connection_established',
    data: {
      mode: 'main',
      user_id: 'bench-user',
      connection_id: 'main_bench',
      golden_path_events: [
        'agent_started',
        'agent_thinking',
        'tool_executing',
        'tool_completed',
        'agent_completed',
      ],
    },
    timestamp: EPOCH_S,
  };
  yield { ...envelope('agent_started', 1), data: { agent_name: 'data_helper', status: 'started' } };
  let i = 2;
  let call = 0;
  // Leave room for agent_completed and, at worst, a tool call that must be closed.
  while (i < total - 1) {
    if (i % HEARTBEAT_EVERY === 0) {
      yield {
        type: 'heartbeat',
        data: { connection_id: 'main_bench', timestamp: EPOCH_S + i / 1000 },
        timestamp: EPOCH_S + i / 1000,
        server_id: null,
        correlation_id: null,
      };
      i += 1;
      continue;
    }
    const left = total - 1 - i;
    if (left < 2) {
      yield {
        ...envelope('agent_thinking', i),
        data: { reasoning: 'Summarising what the tools returned...' },
      };
      i += 1;
      continue;
    }
    const correlationId = `corr_${call.toString(16).padStart(6, '0')}`;
    call += 1;
    if (left >= 3) {
      yield {
        ...envelope('agent_thinking', i),
        data: { reasoning: `Analyzing user request to identify data gaps (step ${call})...` },
      };
      i += 1;
    }
    yield {
      ...envelope('tool_executing', i),
      correlation_id: correlationId,
      data: { tool_name: 'data_helper', tool_args: { user_request_length: 44, step: call } },
    };
    i += 1;
    yield {
      ...envelope('tool_completed', i),
      correlation_id: correlationId,
      data: {
        tool_name: 'data_helper',
        results: { success: true, data_request_generated: true, structured_items_count: 3 },
        execution_time: 12.5,
      },
    };
    i += 1;
  }
  yield {
    ...envelope('agent_completed', i),
    data: {
      status: 'completed',
      final_response: 'Please share monthly token usage per model and your current invoices.',
    },
  };
}

/** Writes `total` frames to `path`, one JSON frame per line; resolves with the byte count. */
export async function writeRecording(path, total) {
  const out = createWriteStream(path);
  let lines = [];
  let bytes = 0;
  const flush = async () => {
    const text = `${lines.join('\n')}\n`;
    lines = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  for (const frame of generateFrames(total)) {
    lines.push(JSON.stringify(frame));
    if (lines.length === LINES_PER_WRITE) await flush();
  }
  if (lines.length > 0) await flush();
  out.end();
  await once(out, 'finish');
  return bytes;
}
