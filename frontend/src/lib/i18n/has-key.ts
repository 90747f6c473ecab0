import { en, type MessageKey } from '@/lib/i18n/messages/en';

/** Whether `key` is in the catalogue (for keys built from server codes). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}
