/**
 * The demo's own parts (scripts/lib/demo-progress.ts): its provider connection detects answering
 * machines (else provider-sim never reports a voicemail and the demo's voicemail column stays 0),
 * and its progress view prints the final line once.
 */
import { demoConnection, ProgressView } from '../../scripts/lib/demo-progress';

describe('the demo', () => {
  it('when the demo creates its provider connection, then machine detection is on (Twilio\'s MachineDetection=Enable)', () => {
    expect(demoConnection('http://127.0.0.1:3010')).toMatchObject({ type: 'twilio', machineDetection: 'Enable' });
  });

  it.each([true, false])('when the view ends (tty %s), then its last progress line is printed once', (tty) => {
    let out = '';
    const view = new ProgressView((s) => {
      out += s;
    }, tty, () => 0);
    view.show('[##..] 2/4 [running]');
    view.show('[####] 4/4 [completed]');
    view.finish('[####] 4/4 [completed]');
    const clearLine = `${String.fromCharCode(27)}[K`;
    const lines = out.split(/[\r\n]/).map((l) => l.split(clearLine).join('')).filter(Boolean);
    expect(lines.filter((l) => l === '[####] 4/4 [completed]')).toHaveLength(1);
    expect(out.endsWith('\n')).toBe(true);
  });
});
