import { Box, Text } from "ink";
import type { FeedInfo } from "../feed.js";
import { cell } from "../format.js";
import { useTheme } from "../theme.js";

/** The keys this view answers to, and the latest notice. */
export function keyHelp(info: FeedInfo, paused: boolean): string {
  const keys: string[] = [];
  if (info.controls.pause) keys.push(`space ${paused ? "resume" : "pause"}`);
  if (info.controls.speed) keys.push("+/- speed");
  keys.push("↑↓ scroll");
  if (info.controls.revert) keys.push("r revert last");
  keys.push("q quit");
  return keys.join("  ");
}

export function Footer({
  info,
  paused,
  notice,
  width,
}: {
  info: FeedInfo;
  paused: boolean;
  notice: string | undefined;
  width: number;
}) {
  const theme = useTheme();
  const keys = keyHelp(info, paused);
  const rest = Math.max(0, width - keys.length - 2);
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate-end">
        <Text inverse={theme.colored} bold>
          {keys}
        </Text>
        {"  "}
        <Text color={theme.color("warn")}>{cell(notice ?? "", rest)}</Text>
      </Text>
    </Box>
  );
}
