import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * File helpers for the key directory: everything is created private (0700 for
 * directories, 0600 for files, set explicitly so the umask cannot loosen it) and
 * fsynced, because a key written but lost in a crash loses data.
 */

/** Creates the directory 0700 if missing; returns whether it was created. */
export function ensurePrivateDir(dir: string): boolean {
  if (fs.existsSync(dir)) return false;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  return true;
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Fails if the file exists: two processes never overwrite each other's key. */
export function writePrivateFileExclusive(file: string, content: string, durable: boolean): void {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, content);
    if (durable) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (durable) fsyncDir(path.dirname(file));
}

export function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writePrivateFileExclusive(tmp, content, true);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function appendPrivateLine(file: string, line: string): void {
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, `${line}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function readJsonFile<T>(file: string): T | null {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/**
 * Overwrites the file with random bytes before unlinking it. On copy-on-write or
 * flash storage the old blocks may survive (docs/encryption.md): the overwrite
 * is a best effort, the removal is the guarantee this process can give.
 */
export function secureRemove(file: string): void {
  if (!fs.existsSync(file)) return;
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, randomBytes(Math.max(size, 64)), 0, Math.max(size, 64), 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.unlinkSync(file);
  fsyncDir(path.dirname(file));
}
