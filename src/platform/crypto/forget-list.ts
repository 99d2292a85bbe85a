import path from 'node:path';
import { appendPrivateLine } from './files.js';

/**
 * The forget list beside the key ring: one line per erased subject,
 * `<ISO time>\t<workspace id>\t<subject id>`, ids only. It outlives any
 * database restore, so `replayForgetList` can repeat later erasures.
 */
export const FORGET_LIST_FILE = 'forget-list.tsv';

export function forgetListPath(keyDir: string): string {
  return path.join(keyDir, FORGET_LIST_FILE);
}

export function appendForgetLine(keyDir: string, workspaceId: string, subjectId: string, at: Date): void {
  appendPrivateLine(forgetListPath(keyDir), `${at.toISOString()}\t${workspaceId}\t${subjectId}`);
}
