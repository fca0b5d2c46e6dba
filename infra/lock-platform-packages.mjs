#!/usr/bin/env node
// Keeps package-lock.json usable by `npm ci` on machines whose registry mirror serves only the
// platform packages it can run (native bindings of nx and jest's resolver for other systems
// answer 404 there, so `npm install` leaves them out of the lock and `npm ci` then refuses it).
// For each optional platform package a locked package names but the lock lacks, this records an
// entry with the os/cpu/libc its name declares, so `npm ci` skips it on every other platform.
// Run after `npm install` changes the lock: `node infra/lock-platform-packages.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony'];
const CPU = {
  x64: 'x64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: 'ia32',
  loong64: 'loong64',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
};

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => p in CPU);
  if (!os || !cpu) return undefined;
  const libc = parts.some((p) => p.startsWith('musl'))
    ? 'musl'
    : parts.some((p) => p.startsWith('gnu'))
      ? 'glibc'
      : undefined;
  return { os: [os], cpu: [CPU[cpu]], ...(libc && os === 'linux' && { libc: [libc] }) };
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `node_modules/${name}`;
    if (lock.packages[where] || lock.packages[`${key}/${where}`]) continue;
    const platform = platformOf(name);
    if (!platform) continue;
    lock.packages[where] = {
      version: range.replace(/^[\^~=]/, ''),
      dev: entry.dev,
      optional: true,
      ...platform,
    };
    if (!entry.dev) delete lock.packages[where].dev;
    added++;
  }
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`recorded ${added} platform packages`);
