/**
 * The RPC and WebSocket shapes of stored blocks and transactions (docs/chain.md), built as JSON text
 * straight from the stored canonical texts: a block of thousands of transactions is answered without
 * parsing and re-serialising each one.
 *
 * - block info: `{hash, height, time, timeIso, txCount, block: {header, txs, lastCommit}, commit, results}`
 * - tx info: `{tx, hash, height, index, code, log, time, timeIso, status: "committed"}`
 */
import type { BlockRow, TxRow } from '../store/chain-db.js';

const q = JSON.stringify;

/** RFC 3339 UTC with milliseconds, the friendly copy of a unix-ms time. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A stored block with its transactions, results and own commit, as JSON text. */
export function blockInfoText(row: BlockRow, txs: readonly TxRow[]): string {
  let txTexts = '';
  let results = '';
  for (let i = 0; i < txs.length; i++) {
    const sep = i === 0 ? '' : ',';
    txTexts += sep + txs[i].tx;
    results += `${sep}{"code":${txs[i].code},"log":${q(txs[i].log)}}`;
  }
  return (
    `{"hash":"${row.hash}","height":${row.height},"time":${row.time},"timeIso":"${isoTime(row.time)}",` +
    `"txCount":${row.tx_count},"block":{"header":${row.header},"txs":[${txTexts}],` +
    `"lastCommit":${row.last_commit ?? 'null'}},"commit":${row.block_commit},"results":[${results}]}`
  );
}

/** A committed transaction as JSON text (`time` is its block's header time). */
export function txInfoText(row: TxRow, blockTime: number): string {
  return (
    `{"tx":${row.tx},"hash":"${row.hash}","height":${row.height},"index":${row.idx},"code":${row.code},` +
    `"log":${q(row.log)},"time":${blockTime},"timeIso":"${isoTime(blockTime)}","status":"committed"}`
  );
}

/** A list page as JSON text. */
export function pageText(itemTexts: readonly string[], nextCursor: string | undefined): string {
  return `{"items":[${itemTexts.join(',')}]${nextCursor === undefined ? '' : `,"nextCursor":${q(nextCursor)}`}}`;
}
