// The pgconf engine's pure parts: how a value is judged against its pg_settings row (PostgreSQL's
// own reading of booleans, numbers, units, enums and name lists), the SQL chosen per server
// version, the ALTER SYSTEM text, and the request parsers.
import { describe, expect, it } from 'vitest'
import { parseCategoryName, parseSettingsFilter } from '../../src/main/postgres/pgconf/settings'
import { splitNameList } from '../../src/shared/pgconf/guc-lists'
import { parseGucInteger, parseGucReal, parseSettingUnit, roundHalfEven } from '../../src/shared/pgconf/guc-numbers'
import { parseGucBool, sameSettingValue, settingValueProblem, type SettingDefinition } from '../../src/shared/pgconf/setting-values'
import { alterSystemDenied, alterSystemPrivilegeSql, alterSystemSql, settingsLookupSql } from '../../src/main/postgres/pgconf/update'
import { parseSettingsUpdate } from '../../src/main/postgres/pgconf/update-request'
import { AppError } from '../../src/shared/errors'

const INT_MAX = '2147483647'

/** pg_settings rows as PostgreSQL 15 has them (min_val, max_val, unit, enumvals, context). */
const settings = {
  work_mem: integer('work_mem', 'kB', '64', INT_MAX),
  shared_buffers: integer('shared_buffers', '8kB', '16', '1073741823', 'postmaster'),
  statement_timeout: integer('statement_timeout', 'ms', '0', INT_MAX),
  checkpoint_timeout: integer('checkpoint_timeout', 's', '30', '86400', 'sighup'),
  log_rotation_age: integer('log_rotation_age', 'min', '0', '35791394', 'sighup'),
  min_wal_size: integer('min_wal_size', 'MB', '2', INT_MAX, 'sighup'),
  max_connections: integer('max_connections', null, '1', '262143', 'postmaster'),
  vacuum_cost_delay: real('vacuum_cost_delay', 'ms', '0', '100'),
  random_page_cost: real('random_page_cost', null, '0', '1.79769e+308'),
  autovacuum: definition({ name: 'autovacuum', vartype: 'bool', context: 'sighup' }),
  log_min_messages: definition({
    name: 'log_min_messages',
    vartype: 'enum',
    context: 'superuser',
    enumvals: ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'info', 'notice', 'warning', 'error', 'log', 'fatal', 'panic']
  }),
  application_name: definition({ name: 'application_name', vartype: 'string' }),
  search_path: definition({ name: 'search_path', vartype: 'string' }),
  shared_preload_libraries: definition({ name: 'shared_preload_libraries', vartype: 'string', context: 'postmaster' }),
  block_size: integer('block_size', null, '8192', '8192', 'internal')
} satisfies Record<string, SettingDefinition>

type Name = keyof typeof settings

function definition(fields: Partial<SettingDefinition> & Pick<SettingDefinition, 'name' | 'vartype'>): SettingDefinition {
  return { unit: null, min_val: null, max_val: null, enumvals: null, context: 'user', ...fields }
}

function integer(name: string, unit: string | null, min: string, max: string, context = 'user'): SettingDefinition {
  return definition({ name, vartype: 'integer', unit, min_val: min, max_val: max, context })
}

function real(name: string, unit: string | null, min: string, max: string): SettingDefinition {
  return definition({ name, vartype: 'real', unit, min_val: min, max_val: max })
}

/** [setting, value, the value PostgreSQL stores in the setting's unit]: accepted. */
const ACCEPTED_NUMBERS: Array<[Name, string, number]> = [
  ['work_mem', '64', 64],
  ['work_mem', '4MB', 4096],
  ['work_mem', '64kB', 64],
  ['work_mem', '1GB', 1048576],
  ['work_mem', '1.5GB', 1572864],
  ['work_mem', ' 128 MB ', 131072],
  ['work_mem', '65536B', 64],
  ['work_mem', '1e3', 1000],
  ['work_mem', '.5MB', 512],
  ['work_mem', '0x100', 256],
  ['work_mem', '+100', 100],
  ['work_mem', '64.4', 64],
  ['shared_buffers', '128MB', 16384],
  ['shared_buffers', '16384', 16384],
  ['shared_buffers', '1GB', 131072],
  ['statement_timeout', '5min', 300000],
  ['statement_timeout', '1.5s', 1500],
  ['statement_timeout', '30 s', 30000],
  ['statement_timeout', '1d', 86400000],
  ['statement_timeout', '250us', 0],
  ['statement_timeout', '0', 0],
  ['checkpoint_timeout', '5min', 300],
  ['checkpoint_timeout', '1h', 3600],
  ['checkpoint_timeout', '30000ms', 30],
  ['log_rotation_age', '1d', 1440],
  ['min_wal_size', '80MB', 80],
  ['min_wal_size', '1GB', 1024],
  ['max_connections', '100', 100],
  ['max_connections', '1.5', 2],
  ['max_connections', '2.5', 2],
  ['max_connections', '010', 8],
  ['vacuum_cost_delay', '1.5ms', 1.5],
  ['vacuum_cost_delay', '2', 2],
  ['vacuum_cost_delay', '0x10', 16],
  ['vacuum_cost_delay', '500us', 0.5],
  ['vacuum_cost_delay', '0.05s', 50],
  ['random_page_cost', '1.1', 1.1],
  ['random_page_cost', '4e0', 4],
  ['random_page_cost', '0x1p2', 4]
]

/** [setting, value, what the message must say]: refused, as PostgreSQL refuses them. */
const REFUSED_NUMBERS: Array<[Name, string, RegExp]> = [
  ['work_mem', '32kB', /32 kB, below the minimum of 64 kB/],
  ['work_mem', '010', /8 kB, below the minimum of 64 kB/],
  ['work_mem', '3TB', /exceeds the integer range/],
  ['min_wal_size', '3PB', /'PB' is not a unit/],
  ['work_mem', '12XB', /'XB' is not a unit of this setting: valid units are TB, GB, MB, kB, B/],
  ['work_mem', '4mb', /'mb' is not a unit/],
  ['work_mem', '4 MBs', /'MBs' is not a unit/],
  ['work_mem', '5min', /'min' is not a unit/],
  ['work_mem', 'abc', /must be an integer, optionally followed by a unit \(TB, GB, MB, kB, B\)/],
  ['work_mem', '', /must be an integer/],
  ['work_mem', '08', /'8' is not a unit/],
  ['work_mem', ' .5MB', /must be an integer/],
  ['work_mem', '-.5MB', /must be an integer/],
  ['work_mem', '99999999999', /exceeds the integer range/],
  ['shared_buffers', '64kB', /8 × 8kB, below the minimum of 16 × 8kB/],
  ['shared_buffers', '1.5kB', /0 × 8kB, below the minimum/],
  ['statement_timeout', '5 minutes', /'minutes' is not a unit/],
  ['statement_timeout', '5m', /'m' is not a unit of this setting: valid units are d, h, min, s, ms, us/],
  ['statement_timeout', '5sec', /'sec' is not a unit/],
  ['statement_timeout', '-1', /below the minimum of 0 ms/],
  ['checkpoint_timeout', '10s', /10 s, below the minimum of 30 s/],
  ['checkpoint_timeout', '2d', /172800 s, above the maximum of 86400 s/],
  ['checkpoint_timeout', '500ms', /0 s, below the minimum/],
  ['max_connections', '100kB', /takes no unit/],
  ['max_connections', '0', /below the minimum of 1/],
  ['max_connections', 'lots', /it must be an integer$/],
  ['vacuum_cost_delay', '150', /150 ms, above the maximum of 100 ms/],
  ['vacuum_cost_delay', '1s', /1000 ms, above the maximum/],
  ['vacuum_cost_delay', 'fast', /must be a number, optionally followed by a unit/],
  ['random_page_cost', 'inf', /above the maximum/],
  ['random_page_cost', 'nan', /must be a number/],
  ['random_page_cost', '-1', /below the minimum of 0/],
  ['random_page_cost', '1ms', /takes no unit/]
]

describe('settingValueProblem: integers and reals, with units', () => {
  it.each(ACCEPTED_NUMBERS)('%s accepts %j (%d in its unit)', (name, value, stored) => {
    const setting = settings[name]
    expect(settingValueProblem(setting, value)).toBeNull()
    const parse = setting.vartype === 'integer' ? parseGucInteger : parseGucReal
    expect(parse(value, parseSettingUnit(setting.unit))).toEqual({ ok: true, value: stored })
  })

  it.each(REFUSED_NUMBERS)('%s refuses %j', (name, value, says) => {
    expect(settingValueProblem(settings[name], value)).toMatch(says)
  })
})

describe('settingValueProblem: booleans, enums, strings, read-only', () => {
  const accepted: Array<[Name, string]> = [
    ...['on', 'off', 'true', 'false', 'yes', 'no', '1', '0', 't', 'f', 'tr', 'fal', 'y', 'n', 'of', 'TRUE', 'Yes', 'ON'].map(
      (value): [Name, string] => ['autovacuum', value]
    ),
    ['log_min_messages', 'warning'],
    ['log_min_messages', 'WARNING'],
    ['log_min_messages', 'Debug1'],
    ['application_name', ''],
    ['application_name', "it's \\ fine, \"really\""],
    ['search_path', '"$user", public'],
    ['search_path', 'a,b'],
    ['search_path', '"a b", "c,d", "e""f"'],
    ['shared_preload_libraries', 'pg_stat_statements, auto_explain']
  ]
  const refused: Array<[Name, string, RegExp]> = [
    ...['o', '', 'maybe', ' on', 'on ', '2', 'truee', 'offf', 'nope'].map((value): [Name, string, RegExp] => ['autovacuum', value, /must be a boolean/]),
    ['log_min_messages', 'fancy', /must be one of debug5, debug4, .*, panic/],
    ['log_min_messages', '', /must be one of/],
    ['log_min_messages', ' warning', /must be one of/],
    ['search_path', '', /at least one name/],
    ['search_path', '  ', /at least one name/],
    ['shared_preload_libraries', 'a,,b', /comma-separated list of names/],
    ['shared_preload_libraries', 'a,', /comma-separated list/],
    ['shared_preload_libraries', '"a', /comma-separated list/],
    ['shared_preload_libraries', 'a b', /comma-separated list/],
    ['shared_preload_libraries', 'a, ""', /empty name/],
    ['block_size', '8192', /read-only \(context internal/]
  ]

  it.each(accepted)('%s accepts %j', (name, value) => {
    expect(settingValueProblem(settings[name], value)).toBeNull()
  })

  it.each(refused)('%s refuses %j', (name, value, says) => {
    expect(settingValueProblem(settings[name], value)).toMatch(says)
  })

  it('reads booleans as parse_bool does', () => {
    expect(['on', 'tRu', 'y', '1'].map(parseGucBool)).toEqual([true, true, true, true])
    expect(['OFF', 'of', 'fa', 'n', '0'].map(parseGucBool)).toEqual([false, false, false, false, false])
    expect(parseGucBool('o')).toBeNull()
  })
})

describe('PostgreSQL number reading', () => {
  it('rounds halves to even, as rint does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3])
  })

  it('knows the units pg_settings shows', () => {
    expect(parseSettingUnit('8kB')).toEqual({ family: 'memory', size: 8192 })
    expect(parseSettingUnit('kB')).toEqual({ family: 'memory', size: 1024 })
    expect(parseSettingUnit('B')).toEqual({ family: 'memory', size: 1 })
    expect(parseSettingUnit('MB')).toEqual({ family: 'memory', size: 1048576 })
    expect(parseSettingUnit('min')).toEqual({ family: 'time', size: 60000 })
    expect(parseSettingUnit('s')).toEqual({ family: 'time', size: 1000 })
    expect(parseSettingUnit(null)).toBeNull()
  })

  it('rounds a fraction to the next smaller unit first, as convert_to_base_unit does', () => {
    // 1.0000004 MB is 1048576.42 B: rounded to 1048576 B, so exactly 1024 kB, not 1024.0004.
    expect(parseGucReal('1.0000004MB', parseSettingUnit('kB'))).toEqual({ ok: true, value: 1024 })
    expect(parseGucInteger('1.5kB', parseSettingUnit('kB'))).toEqual({ ok: true, value: 2 })
  })
})

describe('name lists (search_path, *_preload_libraries)', () => {
  it('splits as SplitGUCList does', () => {
    expect(splitNameList('"$user", public')).toEqual(['$user', 'public'])
    expect(splitNameList(' a ,b,  "c d" ')).toEqual(['a', 'b', 'c d'])
    expect(splitNameList('"say ""hi"""')).toEqual(['say "hi"'])
    expect(splitNameList('MixedCase')).toEqual(['MixedCase'])
    expect(splitNameList('')).toEqual([])
    expect(splitNameList('a,,b')).toBeNull()
    expect(splitNameList('a b')).toBeNull()
    expect(splitNameList('"open')).toBeNull()
  })

  it('writes one literal per name, so ALTER SYSTEM does not make them one quoted name', () => {
    expect(alterSystemSql('shared_preload_libraries', 'pg_stat_statements, auto_explain')).toBe(
      `ALTER SYSTEM SET "shared_preload_libraries" = 'pg_stat_statements', 'auto_explain'`
    )
    expect(alterSystemSql('search_path', '"$user", public, "it\'s"')).toBe(`ALTER SYSTEM SET "search_path" = '$user', 'public', 'it''s'`)
    expect(alterSystemSql('work_mem', '')).toBe('ALTER SYSTEM RESET "work_mem"')
  })
})

describe('ALTER SYSTEM text', () => {
  it('quotes the name as an identifier and the value as a literal', () => {
    expect(alterSystemSql('work_mem', '8MB')).toBe(`ALTER SYSTEM SET "work_mem" = '8MB'`)
    expect(alterSystemSql('application_name', "x'; DROP TABLE t; --")).toBe(`ALTER SYSTEM SET "application_name" = 'x''; DROP TABLE t; --'`)
    expect(alterSystemSql('application_name', 'back\\slash')).toBe(`ALTER SYSTEM SET "application_name" =  E'back\\\\slash'`)
    expect(alterSystemSql('pg_stat_statements.max', '5000')).toBe(`ALTER SYSTEM SET "pg_stat_statements.max" = '5000'`)
  })
})

describe('privilege check SQL per server version', () => {
  it.each([
    [130000, "current_setting('is_superuser') = 'on'"],
    [140000, "current_setting('is_superuser') = 'on'"],
    [150000, "pg_catalog.has_parameter_privilege(name, 'ALTER SYSTEM')"],
    [160000, "pg_catalog.has_parameter_privilege(name, 'ALTER SYSTEM')"],
    [170000, "pg_catalog.has_parameter_privilege(name, 'ALTER SYSTEM')"],
    [180000, "pg_catalog.has_parameter_privilege(name, 'ALTER SYSTEM')"]
  ])('%i: %s', (version, expression) => {
    expect(alterSystemPrivilegeSql(version)).toBe(expression)
    expect(settingsLookupSql(version)).toContain(`${expression} AS may_alter_system`)
    expect(settingsLookupSql(version)).toContain('WHERE lower(name) = ANY($1::text[])')
  })
})

describe('the privilege refusal per server version', () => {
  it.each([130000, 140000])('%i: ALTER SYSTEM is for superusers only', (version) => {
    expect(alterSystemDenied(['work_mem'], 'monitor', version)).toBe("role 'monitor' may not change 'work_mem': before PostgreSQL 15, ALTER SYSTEM needs a superuser")
  })

  it.each([150000, 160000, 170000, 180000])('%i: names the grant', (version) => {
    expect(alterSystemDenied(['work_mem', 'pg_stat_statements.max'], 'Monitor', version)).toBe(
      "role 'Monitor' may not change 'work_mem', 'pg_stat_statements.max': ALTER SYSTEM needs superuser or GRANT ALTER SYSTEM ON PARAMETER work_mem, pg_stat_statements.max TO \"Monitor\""
    )
  })
})

describe('parseSettingsUpdate (the POST body)', () => {
  it('takes the documented body, and numbers as their text', () => {
    expect(parseSettingsUpdate({ settings: [{ name: 'autovacuum', setting: 'on' }] })).toEqual([{ name: 'autovacuum', setting: 'on' }])
    expect(parseSettingsUpdate({ settings: [{ name: 'max_connections', setting: 200 }, { name: 'random_page_cost', setting: 1.1 }] })).toEqual([
      { name: 'max_connections', setting: '200' },
      { name: 'random_page_cost', setting: '1.1' }
    ])
    expect(parseSettingsUpdate({ settings: [] })).toEqual([])
  })

  it('takes "" (a reset) and the agent\'s force, as its UI sends it ("true") or as a boolean', () => {
    expect(
      parseSettingsUpdate({
        settings: [
          { name: 'work_mem', setting: '' },
          { name: 'a', setting: '1', force: 'true' },
          { name: 'b', setting: '1', force: true },
          { name: 'c', setting: '1', force: 'false' }
        ]
      })
    ).toEqual([
      { name: 'work_mem', setting: '' },
      { name: 'a', setting: '1', force: true },
      { name: 'b', setting: '1', force: true },
      { name: 'c', setting: '1' }
    ])
  })

  it.each([
    [null, /Parameter 'settings' is malformed/],
    [[], /Parameter 'settings' is malformed/],
    [{}, /Parameter 'settings' is malformed/],
    [{ settings: {} }, /Parameter 'settings' is malformed/],
    [{ settings: ['work_mem'] }, /Setting item 0 is malformed: it must be an object/],
    [{ settings: [{ setting: 'on' }] }, /Setting item 0 is malformed: "name" must be a non-empty string/],
    [{ settings: [{ name: ' ', setting: 'on' }] }, /"name" must be a non-empty string/],
    [{ settings: [{ name: 'autovacuum' }] }, /"setting" must be a string/],
    [{ settings: [{ name: 'autovacuum', setting: true }] }, /"setting" must be a string/],
    [{ settings: [{ name: 'autovacuum', setting: null }] }, /"setting" must be a string/],
    [{ settings: [{ name: 'work_mem', setting: Number.NaN }] }, /finite number/],
    [{ settings: [{ name: 'work_mem', setting: '8MB', force: 'yes' }] }, /"force" must be "true" or "false"/],
    [{ settings: [{ name: 'application_name', setting: 'a\0b' }] }, /NUL character/],
    [{ settings: [{ name: 'work_mem', setting: '8MB' }, { name: 'Work_Mem', setting: '16MB' }] }, /Setting item 1 is malformed: 'Work_Mem' appears more than once/]
  ])('refuses %j', (body, says) => {
    const error = catchError(() => parseSettingsUpdate(body))
    expect(error).toBeInstanceOf(AppError)
    expect(error.code).toBe('validation')
    expect(error.message).toMatch(says)
  })

  it('names every malformed item', () => {
    const error = catchError(() => parseSettingsUpdate({ settings: [{ name: 'a' }, { name: 'b', setting: 'x' }, 7] }))
    expect(error.issues?.map((issue) => issue.field)).toEqual(['settings[0]', 'settings[2]'])
    expect(error.message).toBe('Setting item 0 is malformed: "setting" must be a string; Setting item 2 is malformed: it must be an object with "name" and "setting"')
  })
})

describe('sameSettingValue (what the round trip leaves alone)', () => {
  const definition = (vartype: SettingDefinition['vartype'], unit: string | null = null, name = 'x'): SettingDefinition => ({
    name,
    vartype,
    unit,
    min_val: null,
    max_val: null,
    enumvals: null,
    context: 'user'
  })
  it.each([
    ['integer', 'kB', '4096', '4MB', true],
    ['integer', 'kB', '4096', '4096kB', true],
    ['integer', 'kB', '4096', '4096', true],
    ['integer', 'kB', '4096', '5MB', false],
    ['integer', 'ms', '0', '0', true],
    ['integer', 's', '300', '5min', true],
    ['real', null, '1.1', '1.10', true],
    ['bool', null, 'on', 'TRUE', true],
    ['bool', null, 'on', 'off', false],
    ['enum', null, 'read committed', 'Read Committed', true],
    ['string', null, 'ISO, MDY', 'ISO, MDY', true],
    ['string', null, 'ISO, MDY', 'ISO,MDY', false],
    ['integer', 'kB', '4096', 'lots', false]
  ] as const)('%s (%s): %s and %j → %s', (vartype, unit, current, value, same) => {
    expect(sameSettingValue(definition(vartype, unit), current, value)).toBe(same)
  })

  it('compares a list of names name by name', () => {
    expect(sameSettingValue(definition('string', null, 'search_path'), '"$user", public', '"$user",public')).toBe(true)
    expect(sameSettingValue(definition('string', null, 'search_path'), '"$user", public', 'public')).toBe(false)
  })
})

describe('parseCategoryName', () => {
  it('takes 1 to 128 characters, slashes and spaces included', () => {
    expect(parseCategoryName('Client Connection Defaults / Locale and Formatting')).toBe('Client Connection Defaults / Locale and Formatting')
    expect(parseCategoryName('x'.repeat(128))).toHaveLength(128)
  })

  it("reads '+' as a space, as the agent does (the temboard UI form-encodes its URLs)", () => {
    expect(parseCategoryName('Client+Connection+Defaults+/+Locale+and+Formatting')).toBe('Client Connection Defaults / Locale and Formatting')
  })
})

describe('parseSettingsFilter', () => {
  it('takes up to 128 characters; absent or empty is no filter', () => {
    expect(parseSettingsFilter(undefined)).toBeNull()
    expect(parseSettingsFilter('')).toBeNull()
    expect(parseSettingsFilter('work_mem')).toBe('work_mem')
    expect(parseSettingsFilter('shared memory')).toBe('shared memory')
  })

  it.each([['x'.repeat(129)], ['a\nb'], [['a', 'b']], [7]])('refuses %j', (raw) => {
    expect(catchError(() => parseSettingsFilter(raw)).message).toMatch(/^Parameter 'filter' is malformed/)
  })

  it.each([[''], ['x'.repeat(129)], [undefined], [42]])('refuses %j with the agent message', (raw) => {
    const error = catchError(() => parseCategoryName(raw))
    expect(error.code).toBe('validation')
    expect(error.message).toBe("Parameter 'category_name' is malformed.")
  })
})

function catchError(fn: () => unknown): AppError {
  try {
    fn()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}
