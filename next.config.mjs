/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  allowedDevOrigins: ['127.0.0.1', 'localhost'],
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'ioredis', 'ws', 'pino', 'prom-client'],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
