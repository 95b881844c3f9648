import { COMMAND_FROM as DOMAIN_COMMAND_FROM } from '@dialer/domain';
import { COMMAND_FROM } from '../src/features/campaigns/api/campaign-status';

// The dashboard offers a campaign's commands from its own copy of the status machine (the browser
// bundle does not load packages/domain); the server refuses what the machine does not allow anyway.
describe('the dashboard\'s campaign commands', () => {
  it('when the domain\'s status machine changes, then the dashboard\'s copy must follow', () => {
    expect(COMMAND_FROM).toEqual(DOMAIN_COMMAND_FROM);
  });
});
