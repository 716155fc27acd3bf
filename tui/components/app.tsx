import { Box, Text } from "ink";
import { useCallback, useRef, useState } from "react";
import type { TuiCommand, TuiFeed } from "../feed.js";
import { useFeed } from "../hooks/use-feed.js";
import { useKeys } from "../hooks/use-keys.js";
import { useLogScroll } from "../hooks/use-log-scroll.js";
import { useTerminalSize } from "../hooks/use-terminal-size.js";
import { fits, layout, MIN_COLUMNS, MIN_ROWS } from "../layout.js";
import { ChartPanel } from "./chart-panel.js";
import { ComponentsPanel } from "./components-panel.js";
import { Footer } from "./footer.js";
import { Header } from "./header.js";
import { HistoryLog } from "./history-log.js";
import { MetricsPanel } from "./metrics-panel.js";

/**
 * The whole screen: header, convergence chart beside the metrics, the components' states, the
 * history log and the key footer. It reads the feed and sends commands; it acts on nothing itself.
 */
export function App({ feed, onCommand }: { feed: TuiFeed; onCommand: (command: TuiCommand) => void }) {
  const state = useFeed(feed);
  const { columns, rows } = useTerminalSize();
  const box = layout(columns, rows, state.components.length);
  const scroll = useLogScroll(state.history.length, box.logRows);
  // What a key said, until the feed gives a newer notice.
  const [said, setSaid] = useState<{ text: string; after: number } | undefined>(undefined);
  const notices = useRef(state.notices);
  notices.current = state.notices;
  const say = useCallback((text: string) => setSaid({ text, after: notices.current }), []);
  useKeys(state.info, scroll, box.logRows, onCommand, say);
  const latest = said !== undefined && said.after === state.notices ? said.text : state.notice;
  const notice = state.error !== undefined ? `error: ${state.error}` : latest;
  if (!fits(columns, rows))
    // Drawn cut off, the view would hide rows without saying so: say what it needs instead.
    return (
      <Text wrap="wrap">
        {`twintune: a ${columns}x${rows} terminal is too small for the view (it needs ${MIN_COLUMNS}x${MIN_ROWS}); q quits`}
      </Text>
    );
  return (
    <Box flexDirection="column" width={box.width} height={box.lines}>
      <Header state={state} width={box.width} />
      <Box flexDirection="row" height={box.chartRows + 2}>
        <ChartPanel state={state} width={box.chartWidth} rows={box.chartRows} />
        <Box marginLeft={1}>
          <MetricsPanel state={state} width={box.metricsWidth} />
        </Box>
      </Box>
      <Box height={box.componentRows + 1}>
        <ComponentsPanel state={state} width={box.width} rows={box.componentRows} />
      </Box>
      <Box height={box.logRows + 1}>
        <HistoryLog state={state} width={box.width} rows={box.logRows} offset={scroll.offset} />
      </Box>
      <Footer info={state.info} paused={state.pace?.paused ?? false} notice={notice} width={box.width} />
    </Box>
  );
}
