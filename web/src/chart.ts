import { describePercent, directionOf, formatLongDate, formatShortDate } from './format.ts';

/** One session of the chart: `changePercent` is absent for a session with no stored result (a gap). */
export interface ChartPoint {
  readonly date: string;
  readonly symbol?: string;
  readonly changePercent?: number;
}

export const CHART_HEIGHT = 220;
const MARGIN = { top: 12, right: 8, bottom: 44, left: 66 };
const MIN_WIDTH = 240;
const X_LABEL_WIDTH = 52;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((multiple) => multiple * power >= raw) ?? 10;
  return step * power;
}

/** The value axis: always includes zero, padded to whole steps. */
export function valueScale(values: readonly number[]): { low: number; high: number; ticks: number[] } {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  // Nothing but zeros (or only gaps): a plain -1..+1 axis around the zero line.
  if (high === low) return { low: -1, high: 1, ticks: [-1, 0, 1] };
  const step = niceStep(high - low, 6);
  const scaledLow = Math.floor(low / step) * step;
  const scaledHigh = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let tick = scaledLow; tick <= scaledHigh + step / 2; tick += step) ticks.push(Number(tick.toFixed(6)));
  return { low: scaledLow, high: scaledHigh, ticks };
}

function tickLabel(value: number): string {
  const text = `${Math.abs(value)}%`;
  if (value > 0) return `+${text}`;
  if (value < 0) return `\u2212${text}`;
  return text;
}

/**
 * The winners' percent change per session as inline SVG, oldest session on the left: bars go up (green)
 * or down (red) from a zero line, a session with no result is a marked gap, and every bar has a label.
 * `points` are newest first, as the API sends them.
 */
export function renderChart(points: readonly ChartPoint[], requestedWidth: number): string {
  const width = Math.max(MIN_WIDTH, Math.round(requestedWidth));
  const height = CHART_HEIGHT;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const ordered = [...points].reverse();
  const values = ordered.flatMap((point) => (point.changePercent === undefined ? [] : [point.changePercent]));
  const scale = valueScale(values);
  const y = (value: number) => MARGIN.top + ((scale.high - value) / (scale.high - scale.low)) * plotHeight;
  const zeroY = round(y(0));
  const slot = plotWidth / Math.max(1, ordered.length);
  const barWidth = Math.max(1, round(Math.min(slot * 0.7, 48)));
  const labelEvery = Math.max(1, Math.ceil(X_LABEL_WIDTH / slot));

  const grid = scale.ticks
    .map((tick) => {
      const tickY = round(y(tick));
      return (
        `<line class="grid${tick === 0 ? ' zero' : ''}" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${tickY}" y2="${tickY}"/>` +
        `<text class="tick" x="${MARGIN.left - 6}" y="${tickY}" text-anchor="end" dominant-baseline="middle">${tickLabel(tick)}</text>`
      );
    })
    .join('');

  const bars = ordered
    .map((point, index) => {
      const slotX = MARGIN.left + index * slot;
      const x = round(slotX + (slot - barWidth) / 2);
      const date = escapeXml(point.date);
      const when = formatLongDate(point.date);
      if (point.changePercent === undefined) {
        const label = `${when}: no stored result`;
        return (
          `<g class="bar gap" role="img" aria-label="${escapeXml(label)}" data-date="${date}" data-direction="missing">` +
          `<title>${escapeXml(label)}</title>` +
          `<rect x="${x}" y="${MARGIN.top}" width="${barWidth}" height="${plotHeight}"/></g>`
        );
      }
      const value = point.changePercent;
      const direction = directionOf(value);
      const valueY = y(value);
      const top = round(Math.min(valueY, zeroY));
      const barHeight = Math.max(1, round(Math.abs(valueY - zeroY)));
      const label = `${when}: ${point.symbol ?? ''} ${describePercent(value)}`;
      return (
        `<g class="bar ${direction}" role="img" aria-label="${escapeXml(label)}" data-date="${date}" data-direction="${direction}">` +
        `<title>${escapeXml(label)}</title>` +
        `<rect x="${x}" y="${top}" width="${barWidth}" height="${barHeight}"/></g>`
      );
    })
    .join('');

  const xLabels = ordered
    .map((point, index) => {
      if ((ordered.length - 1 - index) % labelEvery !== 0) return '';
      // Keep the outermost labels inside the drawing.
      const centre = round(
        Math.min(width - X_LABEL_WIDTH / 2, Math.max(MARGIN.left, MARGIN.left + index * slot + slot / 2)),
      );
      return `<text class="tick" x="${centre}" y="${height - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(formatShortDate(point.date))}</text>`;
    })
    .join('');

  const axisY = round(MARGIN.top + plotHeight / 2);
  return (
    `<svg class="chart-svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="group" aria-label="Winner's percent change per session, oldest first">` +
    `<g aria-hidden="true">${grid}${xLabels}` +
    `<text class="axis-title" x="${MARGIN.left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">Session</text>` +
    `<text class="axis-title" transform="translate(14 ${axisY}) rotate(-90)" text-anchor="middle">Change (%)</text></g>` +
    `<g class="bars">${bars}</g>` +
    `<line class="zero-line" aria-hidden="true" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${zeroY}" y2="${zeroY}"/>` +
    `</svg>`
  );
}
