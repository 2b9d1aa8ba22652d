// Every message between the parts of the extension has a `type` field, listed here once.
//
// content script -> service worker (runtime.sendMessage):
//   MATCH     {type, blocks: [{id, text}]}  -> MatchReply
//   REPORT    {type, site, status, message, items: ReportItem[]}  -> {ok: true}
//   FEEDBACK  {type, claim_id, verdict: "helpful"|"wrong_match", quote} -> FeedbackReply
//   SETTINGS  {type}  -> {ok: true, settings}
// popup -> content script (tabs.sendMessage):
//   JUMP      {type, index}  -> {ok: boolean}
// popup / options -> service worker:
//   TAB_STATE {type, tabId}  -> TabState | null

export const MSG = Object.freeze({
  MATCH: "match",
  REPORT: "report",
  FEEDBACK: "feedback",
  SETTINGS: "settings",
  JUMP: "jump",
  TAB_STATE: "tab-state",
});

/**
 * @typedef {{id: string, text: string}} Block
 * @typedef {{url: string, title?: string|null}} Source
 * @typedef {{id: string, text: string, rating: string, rating_text: string|null,
 *            note: string, sources: Source[], updated_at: string}} ClaimOut
 * @typedef {{block_id: string, start: number, end: number, quote: string,
 *            score: number, claim: ClaimOut}} WireMatch
 * @typedef {{kind: "unreachable"|"timeout"|"http"|"bad-response"|"internal",
 *            message: string, status?: number}} ErrorInfo
 * @typedef {{ok: true, matches: WireMatch[], store_version: number}
 *          | {ok: false, error: ErrorInfo}} MatchReply
 * @typedef {{ok: true, helpful: number, wrong_match: number}
 *          | {ok: false, error: ErrorInfo}} FeedbackReply
 * @typedef {{index: number, quote: string, rating: string, claim_id: string}} ReportItem
 * @typedef {{site: string, status: "ok"|"error"|"off"|"working",
 *            message: string, items: ReportItem[], updated: number}} TabState
 */
