import { describe, expect, it } from 'vitest';

import { loginPath, safeNext } from '@/config/paths';

describe('the return path after sign-in', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeNext('/account?tab=sessions')).toBe('/account?tab=sessions');
    expect(loginPath('/locations')).toBe('/login?next=%2Flocations');
  });

  it('refuses anything that could leave the portal or loop', () => {
    for (const bad of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', '', null, '/login', '/login?next=/x']) {
      expect(safeNext(bad)).toBeUndefined();
    }
    expect(loginPath('/')).toBe('/login');
  });
});
