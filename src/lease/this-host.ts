import os from 'node:os';

/** Recorded in every holder, want, lock and event; read once (it was a syscall per use). */
export const thisHost = os.hostname();
