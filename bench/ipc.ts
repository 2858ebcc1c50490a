/** The benchmarks' question to a forked process over IPC: sends { ask: what }, resolves with the data of its { reply: what, data }. */
import type { ChildProcess } from 'node:child_process';

export function request<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { reply?: string; data?: T }): void => { if (m.reply === what) { child.off('message', on); resolve(m.data as T); } };
    child.on('message', on);
    child.send({ ask: what });
  });
}
