import type { ChalkInstance } from 'chalk';
import type { AggregateReport, Percentiles } from '../contract/aggregate.js';
import { ExitCode } from '../shared/errors.js';
import { defuseWorkflowCommands } from '../shared/printable.js';
import {
  compareToGate,
  describeBatch,
  describeGate,
  formatDuration,
  joinSections,
  oneLine,
} from './describe.js';

/** Options of `renderAggregateHuman`. */
export interface AggregateHumanOptions {
  /** Colours; a level-0 instance gives plain text. */
  chalk: ChalkInstance;
}

/** Renders the aggregate for a terminal: passes over judged runs, the runs not judged, per-event passes, top failures, latencies, throughput and a verdict line. */
export function renderAggregateHuman(agg: AggregateReport, options: AggregateHumanOptions): string {
  const { chalk } = options;
  const a = agg.aggregate;
  const words = describeBatch(a);
  const gate = compareToGate(a.passed, a.judged, a.minPassRate);
  const required = Object.keys(a.perEvent);
  const eventWidth = Math.max(0, ...required.map((e) => e.length));
  const partial = words.notJudged !== null || words.notStarted !== null;
  const sections: string[][] = [
    [
      `${chalk.bold('ws-validate')} · env ${oneLine(agg.target.env)} · ${oneLine(agg.target.url)} · ${a.notStarted === 0 ? a.total : `${a.total} of ${a.total + a.notStarted}`} runs`,
      [
        a.judged === 0
          ? `no run was judged · required ${gate.gate}`
          : `passed ${a.passed}/${a.judged}${partial ? ' judged' : ''} (${gate.rate}) · required ${gate.gate}`,
        ...(words.notJudged === null ? [] : [words.notJudged]),
        ...(words.notStarted === null ? [] : [words.notStarted]),
      ].join(' · '),
      ...(a.diagnoses.cross_talk === undefined
        ? []
        : [
            chalk.red(
              `cross-talk in ${a.diagnoses.cross_talk}/${a.total} runs: events of one run arrived on another run's connection`,
            ),
          ]),
    ],
    [
      chalk.bold('events'),
      ...required.map((type) => {
        const count = a.perEvent[type] ?? 0;
        const colour = count === a.judged ? chalk.green : chalk.red;
        return `  ${type.padEnd(eventWidth)}  ${colour(`${count}/${a.judged}`)}`;
      }),
    ],
    a.topFailures.length === 0
      ? []
      : [
          chalk.bold('top failures'),
          ...a.topFailures.map(
            (f) =>
              `  ${`${f.count}×`.padStart(Math.max(...a.topFailures.map((t) => `${t.count}×`.length)))}  ${oneLine(f.message)}`,
          ),
        ],
    renderLatencyTable(agg, chalk),
    [`throughput ${a.sessionsPerSecond.toFixed(2)} sessions/s · ${formatDuration(a.durationMs)}`],
    [renderAggregateVerdictLine(agg, chalk)],
  ];
  return defuseWorkflowCommands(joinSections(sections));
}

/** Renders the last line of the aggregate alone, e.g. `PASS  19/20 runs passed (95.0% ≥ 90.0%) · 47.6s`. */
export function renderAggregateVerdictLine(agg: AggregateReport, chalk: ChalkInstance): string {
  const a = agg.aggregate;
  const words = describeBatch(a);
  const beside = [words.notJudged, words.notStarted].filter((w): w is string => w !== null);
  if (agg.verdict === 'error') {
    const parts =
      agg.exitCode === ExitCode.Interrupted
        ? [
            `interrupted: ${a.total} of ${a.total + a.notStarted} runs ran`,
            ...(a.judged > 0 ? [words.passed] : []),
            ...beside,
          ]
        : [`${a.untestable}/${a.total} runs could not be judged (${words.reasons})`];
    return `${chalk.bold.red('ERROR')}  ${[...parts, `exit ${agg.exitCode}`].join(' · ')}`;
  }
  const gate = describeGate(compareToGate(a.passed, a.judged, a.minPassRate));
  const summary = [`${words.passed} (${gate})`, ...beside, formatDuration(a.durationMs)];
  if (agg.verdict === 'pass') return `${chalk.bold.green('PASS')}  ${summary.join(' · ')}`;
  return `${chalk.bold.red('FAIL')}  ${[...summary, `exit ${agg.exitCode}`].join(' · ')}`;
}

function renderLatencyTable(agg: AggregateReport, chalk: ChalkInstance): string[] {
  const { connect, firstEvent, completed } = agg.aggregate.latency;
  const rows: [string, Percentiles][] = [
    ['connect', connect],
    ['first event', firstEvent],
    ['completed', completed],
  ];
  const cell = (ms: number | null): string => (ms === null ? '—' : formatDuration(ms)).padEnd(8);
  return [
    `${chalk.bold('latency')}        ${'p50'.padEnd(8)}${'p95'.padEnd(8)}max`,
    ...rows.map(
      ([name, p]) => `  ${name.padEnd(13)}${cell(p.p50)}${cell(p.p95)}${cell(p.max).trimEnd()}`,
    ),
  ];
}
