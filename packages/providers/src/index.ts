export * from './adapter';
export * from './twilio/twilio-signature';
export * from './twilio/twilio-status';
export * from './twilio/twilio.adapter';
export * from './registry';
