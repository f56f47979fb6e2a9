/** The report file formats of `--report <format>=<path>`; report/reporter.ts has a reporter for each. */
export const REPORT_FORMATS = ['junit', 'json', 'markdown'] as const;
/** One report file format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];
