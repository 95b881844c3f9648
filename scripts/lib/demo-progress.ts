/**
 * The demo's provider connection and its live progress view, apart from the demo so a test can
 * check them (test/e2e/demo-progress.test.ts).
 */
import { randomBytes } from 'node:crypto';

/**
 * provider-sim in Twilio's wire format. Machine detection is on: provider-sim reports an answering
 * machine (AnsweredBy=machine_start, hence the outcome voicemail) only when the call asked for it,
 * as Twilio does; without it the demo's voicemail column would always be 0.
 */
export function demoConnection(baseUrl: string): Record<string, unknown> {
  return {
    name: 'provider-sim (Twilio wire format)',
    type: 'twilio',
    baseUrl,
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    fromNumber: '+14155550100',
    callsPerSecond: 100,
    machineDetection: 'Enable',
  };
}

/**
 * One progress line, redrawn in place on a terminal (else printed at most every 2 s); finish()
 * leaves the final line on screen exactly once.
 */
export class ProgressView {
  private shown: string | undefined;
  private lastPrint: number | undefined;

  constructor(private readonly write: (s: string) => void, private readonly tty: boolean, private readonly now: () => number = Date.now) {}

  show(line: string): void {
    if (this.tty) {
      this.write(`\r${line}\x1b[K`);
      this.shown = line;
    } else if (this.lastPrint === undefined || this.now() - this.lastPrint > 2000) {
      this.write(`${line}\n`);
      this.shown = line;
      this.lastPrint = this.now();
    }
  }

  finish(line: string): void {
    if (this.tty) {
      if (line !== this.shown) this.write(`\r${line}\x1b[K`);
      this.write('\n');
    } else if (line !== this.shown) {
      this.write(`${line}\n`);
    }
    this.shown = line;
  }
}
