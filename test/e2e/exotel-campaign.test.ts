/**
 * End to end on Exotel: every service as its own process, provider-sim speaking Exotel's API and
 * callbacks. A 20-lead campaign runs to completion; every lead ends final, the stats add up and no
 * (lead, attempt) is called twice.
 */
import { runProviderCampaign, startProviderStack } from './provider-campaign';

jest.setTimeout(240_000);

describe('an Exotel campaign end to end, every service its own process', () => {
  let run: Awaited<ReturnType<typeof startProviderStack>>;

  beforeAll(async () => {
    run = await startProviderStack('e2eexotel');
  });

  afterAll(async () => {
    await run?.stop();
  });

  it('when a 20-lead campaign runs on Exotel, then it completes with every lead final, stats adding up and nobody called twice per attempt', async () => {
    await runProviderCampaign(run, 'exotel', 20, 4);
  });
});
