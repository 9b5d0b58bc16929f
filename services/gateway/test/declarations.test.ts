// Settings are declared three times: the Settings type and its defaults (contracts; the defaults
// must hold every setting, optional ones too, or the build fails), the API's zod schema (here),
// and the store, which keeps them as one document without per-field declarations. A setting the
// type has and the API cannot read or change, or the other way round, fails here.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@helpdesk/contracts';
import { ZSettingsPatchSchema, ZSettingsSchema } from '../src/routes/settings';

describe('settings declarations', () => {
  it('the API reads every setting the type declares, and no other', () => {
    const declared = Object.keys(DEFAULT_SETTINGS);
    const shown = Object.keys(ZSettingsSchema.shape);
    expect(
      declared.filter((k) => !shown.includes(k)),
      'in Settings, not in the API schema',
    ).toEqual([]);
    expect(
      shown.filter((k) => !declared.includes(k)),
      'in the API schema, not in Settings',
    ).toEqual([]);
  });

  it('every setting but the version, which the store bumps, can be changed', () => {
    expect(Object.keys(ZSettingsPatchSchema.shape).sort()).toEqual(
      Object.keys(DEFAULT_SETTINGS)
        .filter((k) => k !== 'version')
        .sort(),
    );
  });
});
