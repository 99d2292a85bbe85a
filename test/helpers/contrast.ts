import type { Locator } from 'playwright-core';

/**
 * The WCAG contrast ratio of an element's text against what is painted behind
 * it: its own background blended over its ancestors' (alpha included). Axe
 * leaves colours it cannot compute (color-mix(), translucent layers) as
 * "incomplete", not as violations, which is how a button whose text had its
 * background's colour passed the accessibility check; this measures it. Any CSS
 * colour syntax is read through a canvas, which paints it as sRGB.
 */
export async function textContrast(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const g = canvas.getContext('2d', { willReadFrequently: true })!;
    const rgba = (css: string): [number, number, number, number] => {
      g.clearRect(0, 0, 1, 1);
      g.fillStyle = '#000';
      g.fillStyle = css;
      g.fillRect(0, 0, 1, 1);
      const d = g.getImageData(0, 0, 1, 1).data;
      return [d[0]!, d[1]!, d[2]!, d[3]! / 255];
    };
    const over = (top: number[], bottom: number[]) => top.slice(0, 3).map((c, i) => c * top[3]! + bottom[i]! * (1 - top[3]!));
    const layers: string[] = [];
    for (let n: Element | null = node; n; n = n.parentElement) layers.push(getComputedStyle(n).backgroundColor);
    let bg = [255, 255, 255];
    for (const css of layers.reverse()) bg = over(rgba(css), bg);
    const fg = over(rgba(getComputedStyle(node).color), bg);
    const lum = (c: number[]) => {
      const [r, gg, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * gg! + 0.0722 * b!;
    };
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    return (hi! + 0.05) / (lo! + 0.05);
  });
}
