// Tokens as Prometheus's lexer makes them: types, positions, texts, and where lexing stops.

import { describe, expect, it } from 'vitest'
import { describeToken, tokenize, type Token } from '../../../src/main/prometheus/promql/lexer'

const lex = (input: string): string[] =>
  tokenize(input)
    .filter((t) => t.type !== 'EOF')
    .map((t) => `${t.type}@${t.pos}:${t.text}`)

describe('PromQL lexer', () => {
  it.each([
    [',', ['COMMA@0:,']],
    ['()', ['LEFT_PAREN@0:(', 'RIGHT_PAREN@1:)']],
    ['{}', ['LEFT_BRACE@0:{', 'RIGHT_BRACE@1:}']],
    ['[5m]', ['LEFT_BRACKET@0:[', 'DURATION@1:5m', 'RIGHT_BRACKET@3:]']],
    ['[  5m ]', ['LEFT_BRACKET@0:[', 'DURATION@3:5m', 'RIGHT_BRACKET@6:]']],
    ['\r\n\r', []],
    ['4.23 .3 5. 0x1F 0755 1e-3', ['NUMBER@0:4.23', 'NUMBER@5:.3', 'NUMBER@8:5.', 'NUMBER@11:0x1F', 'NUMBER@16:0755', 'NUMBER@21:1e-3']],
    ['NaN nAN Inf iNf NaN123', ['NUMBER@0:NaN', 'NUMBER@4:nAN', 'NUMBER@8:Inf', 'NUMBER@12:iNf', 'IDENTIFIER@16:NaN123']],
    ['+Inf -Inf', ['ADD@0:+', 'NUMBER@1:Inf', 'SUB@5:-', 'NUMBER@6:Inf']],
    ['5m 1h30m 5s1ms 1y2w', ['DURATION@0:5m', 'DURATION@3:1h30m', 'DURATION@9:5s1ms', 'DURATION@15:1y2w']],
    ['"a\\"b" \'c\' `d\\e`', ['STRING@0:"a\\"b"', "STRING@7:'c'", 'STRING@11:`d\\e`']],
    ['foo bar:baz _x', ['IDENTIFIER@0:foo', 'METRIC_IDENTIFIER@4:bar:baz', 'IDENTIFIER@12:_x']],
    ['sum BY Without on IGNORING group_left group_right bool offset', [
      'SUM@0:sum', 'BY@4:BY', 'WITHOUT@7:Without', 'ON@15:on', 'IGNORING@18:IGNORING', 'GROUP_LEFT@27:group_left',
      'GROUP_RIGHT@38:group_right', 'BOOL@50:bool', 'OFFSET@55:offset']],
    ['and or unless atan2 start end', ['LAND@0:and', 'LOR@4:or', 'LUNLESS@7:unless', 'ATAN2@14:atan2', 'START@20:start', 'END@26:end']],
    ['+ - * / % ^ == != <= < >= > @', ['ADD@0:+', 'SUB@2:-', 'MUL@4:*', 'DIV@6:/', 'MOD@8:%', 'POW@10:^', 'EQLC@12:==', 'NEQ@15:!=', 'LTE@18:<=', 'LSS@21:<', 'GTE@23:>=', 'GTR@26:>', 'AT@28:@']],
    ['{a=~"b",c!~"d",e!="f",g="h"}', ['LEFT_BRACE@0:{', 'IDENTIFIER@1:a', 'EQL_REGEX@2:=~', 'STRING@4:"b"', 'COMMA@7:,', 'IDENTIFIER@8:c', 'NEQ_REGEX@9:!~', 'STRING@11:"d"', 'COMMA@14:,', 'IDENTIFIER@15:e', 'NEQ@16:!=', 'STRING@18:"f"', 'COMMA@21:,', 'IDENTIFIER@22:g', 'EQL@23:=', 'STRING@24:"h"', 'RIGHT_BRACE@27:}']],
    ['{by="x"}', ['LEFT_BRACE@0:{', 'IDENTIFIER@1:by', 'EQL@3:=', 'STRING@4:"x"', 'RIGHT_BRACE@7:}']],
    ['x # comment\n+ 1', ['IDENTIFIER@0:x', 'COMMENT@2:# comment', 'ADD@12:+', 'NUMBER@14:1']],
    ['[5m:1m]', ['LEFT_BRACKET@0:[', 'DURATION@1:5m', 'COLON@3::', 'DURATION@4:1m', 'RIGHT_BRACKET@6:]']],
    ['[5m x]', ['LEFT_BRACKET@0:[', 'DURATION@1:5m', 'COLON@4:x', 'RIGHT_BRACKET@5:]']]
  ])('%j', (input, tokens) => {
    expect(lex(input)).toEqual(tokens)
  })

  it.each([
    ['=~', "unexpected character after '=': '~'"],
    ['!', "unexpected character after '!': '�'"],
    ['{a!b}', "unexpected character after '!' inside braces: 'b'"],
    ['(', 'unclosed left parenthesis'],
    [')', "unexpected right parenthesis ')'"],
    ['[5m', 'unclosed left bracket'],
    ['[5m[', "unexpected left bracket '['"],
    [']', "unexpected right bracket ']'"],
    ['{', 'unexpected end of input inside braces'],
    ['{{', "unexpected left brace '{'"],
    ['{1}', "unexpected character inside braces: '1'"],
    ['[5m::', "unexpected colon ':'"],
    ['[]', 'missing unit character in duration'],
    ['[5mm]', 'bad duration syntax: "5mm"'],
    ['0deadbeef', 'bad number or duration syntax: "0de"'],
    ['"abc', 'unterminated quoted string'],
    ['"a\nb"', 'unterminated quoted string'],
    ['`abc', 'unterminated raw string'],
    ['"\\', 'escape sequence not terminated'],
    ['"\\x4', 'escape sequence not terminated'],
    ['"\\q"', "unknown escape sequence U+0071 'q'"],
    ['"\\x4g"', "illegal character U+0067 'g' in escape sequence"],
    ['"\\400"', 'escape sequence is an invalid Unicode code point'],
    ['"\\ud800"', 'escape sequence is an invalid Unicode code point'],
    ['"\\U00110000"', 'escape sequence is an invalid Unicode code point'],
    ['"\ufffd"', 'invalid UTF-8 rune'],
    ['$', "unexpected character: '$'"],
    ['\u200b', "unexpected character: '\\u200b'"]
  ])('stops at %j: %s', (input, message) => {
    const last = tokenize(input).at(-1)!
    expect(last.type).toBe('ERROR')
    expect(last.text).toBe(message)
  })

  it('describes tokens as Prometheus messages do', () => {
    const t = (type: Token['type'], text: string): string => describeToken({ type, pos: 0, text })
    expect(t('IDENTIFIER', 'foo')).toBe('identifier "foo"')
    expect(t('METRIC_IDENTIFIER', 'a:b')).toBe('metric identifier "a:b"')
    expect(t('NUMBER', '1')).toBe('number "1"')
    expect(t('DURATION', '5m')).toBe('duration "5m"')
    expect(t('STRING', '"a"')).toBe('string "\\"a\\""')
    expect(t('STRING', '"hello world"')).toBe('string "\\"hello wor"...')
    expect(t('BY', 'BY')).toBe('<BY>')
    expect(t('ADD', '+')).toBe('<op:+>')
    expect(t('LAND', 'and')).toBe('<op:and>')
    expect(t('SUM', 'sum')).toBe('<aggr:sum>')
    expect(t('LEFT_PAREN', '(')).toBe('"("')
    expect(t('START', 'start')).toBe('"start"')
    expect(t('AT', '@')).toBe('"<Item 57385>" <op:@>')
    expect(t('EOF', '')).toBe('end of input')
  })
})
