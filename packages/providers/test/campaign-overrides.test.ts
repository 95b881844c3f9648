import { checkCampaignOverrides, exotelFlowUrl, type OverriddenConnection } from '../src/campaign-overrides';

const twilio: OverriddenConnection = { type: 'twilio', config: {} };
const vapi: OverriddenConnection = { type: 'vapi', config: {} };
const exotelFlow: OverriddenConnection = { type: 'exotel', config: { flowUrl: 'http://my.exotel.com/acme/exoml/start_voice/1' } };
const exotelAgent: OverriddenConnection = { type: 'exotel', config: { agentNumber: '+919900000001' } };

describe('what a campaign may put in place of its connection\'s agent and caller id', () => {
  it.each([
    [twilio, { agent: 'https://twiml.example.com/a.xml', callerId: '+14155550100' }, []],
    [twilio, { agent: 'AP0123456789abcdef0123456789abcdef' }, []],
    [twilio, { agent: 'AP123' }, ['agentOverride']],
    [twilio, { agent: 'asst-1', callerId: '4155550100' }, ['agentOverride', 'callerIdOverride']],
    [vapi, { agent: '5f2c1c2e-8c1d-4b7e-9a51-0f3f0e7f2b10' }, []],
    [vapi, { agent: 'https://example.com/x' }, ['agentOverride']],
    [vapi, { callerId: '+14155550100' }, ['callerIdOverride']],
    [exotelFlow, { agent: '4242', callerId: '08047112345' }, []],
    [exotelFlow, { agent: 'http://my.exotel.com/acme/exoml/start_voice/9', callerId: '+918047112345' }, []],
    [exotelFlow, { agent: 'flow-a', callerId: '8047112345' }, ['agentOverride', 'callerIdOverride']],
    [exotelAgent, { agent: '4242' }, ['agentOverride']],
    [exotelAgent, { callerId: '08047112345' }, []],
    [twilio, { agent: null, callerId: null }, []],
  ] as const)('when a %j connection gets %j, then the problems are %j', (conn, o, fields) => {
    expect(checkCampaignOverrides(conn, o).map((p) => p.field)).toEqual(fields);
  });

  it('when an Exotel flow is named by its id, then it becomes its start_voice URL; a URL stays as it is', () => {
    expect(exotelFlowUrl('acme', '4242')).toBe('http://my.exotel.com/acme/exoml/start_voice/4242');
    expect(exotelFlowUrl('acme', 'https://flows.example.com/x')).toBe('https://flows.example.com/x');
  });
});
