import { useEffect, useReducer } from "react";
import type { TuiFeed } from "../feed.js";
import { initialViewState, reduceView, type ViewState } from "../view-state.js";

/** The view state of a feed: every update so far, folded by reduceView, and each new one as it comes. */
export function useFeed(feed: TuiFeed): ViewState {
  const [state, dispatch] = useReducer(reduceView, feed.info, initialViewState);
  useEffect(() => feed.subscribe(dispatch), [feed]);
  return state;
}
