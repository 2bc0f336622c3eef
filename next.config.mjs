/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  allowedDevOrigins: ['127.0.0.1', 'localhost'],
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'ioredis', 'ws', 'pino', 'prom-client', 'yjs'],
  typescript: { ignoreBuildErrors: false },
  // forbidden() from next/navigation: admin-only pages answer HTTP 403 with app/(app)/forbidden.tsx.
  experimental: { authInterrupts: true },
};

export default nextConfig;
