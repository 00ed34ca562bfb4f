/**
 * What each alert type means, for `patterns` and the docs: one line each, in the words of the
 * detector's own module doc.
 */
import type { AlertType } from './types.js';

export const PATTERN_INFO: Record<
  AlertType,
  { scope: 'market' | 'chain'; kind: 'manipulation' | 'anomaly'; description: string }
> = {
  wash_trading: {
    scope: 'market',
    kind: 'manipulation',
    description:
      'self-trades, two accounts trading back and forth, or rings of 3–5 accounts, with every member’s net position near zero and most of their volume inside the group',
  },
  spoofing: {
    scope: 'market',
    kind: 'manipulation',
    description:
      'a large one-sided order near the price, cancelled unfilled within two minutes while the same account trades on the other side',
  },
  layering: {
    scope: 'market',
    kind: 'manipulation',
    description:
      'orders resting together at three or more successive price levels on one side, cancelled unfilled while the same account trades on the other side',
  },
  pump_and_dump: {
    scope: 'market',
    kind: 'manipulation',
    description:
      'a burst of market buys lifts the price, the same accounts sell within 45 minutes of the peak and the price gives back half the rise',
  },
  volume_anomaly: {
    scope: 'market',
    kind: 'anomaly',
    description:
      '5-minute volume far above the trailing day’s (robust z-score on log volume: median and MAD)',
  },
  price_anomaly: {
    scope: 'market',
    kind: 'anomaly',
    description: '5-minute absolute return far above the trailing day’s (robust z-score: median and MAD)',
  },
  isolation_outlier: {
    scope: 'market',
    kind: 'anomaly',
    description:
      'an account-hour the isolation forest (ψ = 256, t = 100) isolates quickly, on activity, cancel, size, counterparty and direction features',
  },
  circular_transfer: {
    scope: 'chain',
    kind: 'manipulation',
    description:
      'value sent around a cycle of 2–5 accounts back to its origin within an hour, amounts within 10 %',
  },
  fan_out_funding: {
    scope: 'chain',
    kind: 'manipulation',
    description: 'one account funding at least 10 never-seen accounts within an hour of each other',
  },
};
