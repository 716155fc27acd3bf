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
 * At 80 × 24: a header, the chart beside the metrics, the components, the history log and a
 * footer. A larger terminal gives the chart up to 16 rows and the log the rest; a wider one
 * widens the chart and the log's reason column.
 */
export function layout(columns: number, rows: number, components: number): Layout {
  const width = Math.max(40, columns);
  const lines = Math.max(12, rows - 1);
  const componentRows = Math.max(1, Math.min(components, 6));
  // header 1, chart title 1, x axis 1, components title 1, log title 1, footer 1
  const fixed = 6 + componentRows;
  const free = Math.max(6, lines - fixed);
  const extra = Math.max(0, free - 13);
  const chartRows = Math.min(16, Math.max(4, Math.min(6, free - 2) + Math.floor(extra / 3)));
  const logRows = Math.max(2, free - chartRows);
  const metricsWidth = width >= 60 ? METRICS_WIDTH : 0;
  return {
    width,
    lines,
    chartWidth: width - metricsWidth - (metricsWidth > 0 ? 1 : 0),
    metricsWidth,
    chartRows,
    componentRows,
    logRows,
  };
}
