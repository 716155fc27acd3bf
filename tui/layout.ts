/** Where everything goes on a terminal of `columns` × `rows`. */
export interface Layout {
  width: number;
  /** Lines drawn in all: one less than the terminal, so ink updates in place instead of clearing the screen. */
  lines: number;
  chartWidth: number;
  metricsWidth: number;
  /** Chart rows including its zero line, not counting the x axis. */
  chartRows: number;
  /** Component rows shown (the rest are summarized). */
  componentRows: number;
  /** History entries shown. */
  logRows: number;
}

export const METRICS_WIDTH = 38;

/**
 * The smallest terminal the view fits: 60 columns for the metrics beside the chart (38 + 21) and
 * a history row with the longest component name; 6 lines of titles and footer, 5 chart rows (the
 * metrics take 7 lines with the chart's title and axis), 1 component, 2 log rows, and the line
 * left free at the bottom.
 */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;
const MIN_CHART_ROWS = 5;

/** Whether the view fits at all; a smaller terminal gets a one-line notice instead. */
export function fits(columns: number, rows: number): boolean {
  return columns >= MIN_COLUMNS && rows >= MIN_ROWS;
}

/**
 * At 80 × 24: a header, the chart beside the metrics, the components, the history log and a
 * footer. A larger terminal gives the chart up to 16 rows and the log the rest; a wider one
 * widens the chart and the log's reason column. A smaller one shows fewer components first (the
 * panel says how many it leaves out), so every part keeps its title and the footer stays.
 */
export function layout(columns: number, rows: number, components: number): Layout {
  const width = Math.max(MIN_COLUMNS, columns);
  const lines = Math.max(MIN_ROWS, rows) - 1;
  // header 1, chart title 1, x axis 1, components title 1, log title 1, footer 1
  const budget = lines - 6;
  const componentRows = Math.max(1, Math.min(components, 6, budget - MIN_CHART_ROWS - 2));
  const free = budget - componentRows;
  const extra = Math.max(0, free - 13);
  const chartRows = Math.min(16, Math.max(MIN_CHART_ROWS, Math.min(6, free - 2) + Math.floor(extra / 3)));
  const logRows = Math.max(2, free - chartRows);
  return {
    width,
    lines,
    chartWidth: width - METRICS_WIDTH - 1,
    metricsWidth: METRICS_WIDTH,
    chartRows,
    componentRows,
    logRows,
  };
}
