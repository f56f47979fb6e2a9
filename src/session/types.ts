/** The time budgets of a run, in milliseconds, already capped by the total. */
export interface Budgets {
  connectMs: number;
  firstEventMs: number;
  totalMs: number;
  graceMs: number;
}
