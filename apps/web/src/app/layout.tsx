import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Providers } from '@/trpc/client';
import '@xyflow/react/dist/style.css';
import './globals.css';

export const metadata: Metadata = {
  title: 'Ordo',
  description: 'Provision graphs of infrastructure components in dependency order',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            Ordo
          </Link>
          <nav aria-label="Main">
            <Link href="/">Editor</Link>
            <Link href="/builds">Builds</Link>
            <Link href="/instances">Instances</Link>
            <Link href="/check">Check a graph</Link>
          </nav>
        </header>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
