// Which outbound mail failures are final: 5xx replies and unsendable messages; the rest is retried.
import { describe, expect, it } from 'vitest';
import { permanentRejection } from '../src/activities';

describe('permanentRejection', () => {
  it('a 5xx reply is final, with what the server said', () => {
    expect(permanentRejection({ code: 'EENVELOPE', responseCode: 550, response: '550 No such user here' })).toBe(
      '550 No such user here',
    );
    expect(permanentRejection({ code: 'EMESSAGE', responseCode: 552, response: '552 Too big' })).toBe('552 Too big');
  });

  it('a message that cannot be sent at all (no recipient) is final', () => {
    expect(permanentRejection({ code: 'EENVELOPE', message: 'No recipients defined' })).toBe('No recipients defined');
  });

  it('4xx replies, refused or dropped connections and timeouts are retried', () => {
    expect(permanentRejection({ code: 'EENVELOPE', responseCode: 451, response: '451 Try again' })).toBeUndefined();
    expect(permanentRejection({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' })).toBeUndefined();
    expect(permanentRejection({ code: 'ETIMEDOUT' })).toBeUndefined();
    expect(permanentRejection(new Error('socket hang up'))).toBeUndefined();
  });
});
