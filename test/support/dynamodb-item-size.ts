import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An item's size as DynamoDB bills and limits it (400 KB per item; reads in 4 KB units), from its
 * marshalled form, following the documented rules: names and strings count their UTF-8 bytes, a
 * number one byte per two significant digits plus one, a boolean or null one byte, a list or map
 * three bytes plus one per element. AWS states the number and collection rules as approximate, so
 * this is an estimate to within a few bytes per attribute.
 */
export function dynamoDbItemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8Bytes(name) + valueSize(value), 0);
}

/** Read capacity units for `bytes` read by one request: 4 KB units, half for an eventually consistent read. */
export function readCapacityUnits(bytes: number, consistency: 'eventual' | 'strong' = 'eventual'): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistency === 'eventual' ? units / 2 : units;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, entry) => sum + utf8Bytes(entry), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, entry) => sum + numberSize(entry), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, entry) => sum + entry.byteLength, 0);
  if (value.L !== undefined) return value.L.reduce((sum, entry) => sum + 1 + valueSize(entry), 3);
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (sum, [name, entry]) => sum + 1 + utf8Bytes(name) + valueSize(entry),
      3,
    );
  }
  throw new TypeError(`Unknown DynamoDB attribute value type: ${Object.keys(value).join(', ')}`);
}

function numberSize(text: string): number {
  const mantissa = text.replace(/^[-+]/, '').split(/e/i)[0] ?? '';
  const significant = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(significant.length, 1) / 2) + 1;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
