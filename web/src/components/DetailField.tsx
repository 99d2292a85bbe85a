import { Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One term and its value inside a `<dl>` of record details. */
export function DetailField({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="sm" fw={600} component="dt">
        {label}
      </Text>
      <Text component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}
