/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'ioredis', 'ws', 'pino', 'prom-client'],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
