import querystring from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { parseQuery, UndecodableParameter } from '../../server/percent-decoding';

describe('parseQuery', () => {
  it('reads a query that decodes as node\'s querystring (Express\'s default) reads it', () => {
    const long = Array.from({ length: 1_500 }, (_, i) => `${i % 3 === 0 ? 'a' : `k${i}`}=${i}`).join('&');
    for (const text of ['a=1&a=2&b&c=x+y&d=%2B%20', '=e&&f=', 'tag=caf%C3%A9&limit=5', '__proto__=x&constructor=y', 'a=b=c', long, '', null]) {
      const query = parseQuery(text);
      expect({ ...query }, String(text)).toEqual({ ...querystring.parse(text ?? '') });
      expect(Object.getPrototypeOf(query)).toBeNull();
    }
  });

  it('keeps a pair that is not percent-encoded UTF-8 apart, as sent, under its name', () => {
    const query = parseQuery('cursor=%E0%A4%A&status=%ZZ&tag=ok&tag=%ED%A0%80&cur%ffsor=1&fine=%C3%A9');
    expect({ ...query }).toEqual({
      cursor: new UndecodableParameter('cursor=%E0%A4%A'),
      status: new UndecodableParameter('status=%ZZ'),
      tag: ['ok', new UndecodableParameter('tag=%ED%A0%80')],
      'cur%ffsor': new UndecodableParameter('cur%ffsor=1'),
      fine: 'é',
    });
  });
});
