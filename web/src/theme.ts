import { createTheme } from '@mantine/core';

// Indigo's darker shades keep text and buttons above WCAG AA contrast on white.
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
});
