export * from './referral-story';
export * from './story-recorder';
export * from './rules-in-words';
