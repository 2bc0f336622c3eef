export default function Home() {
  return <main>Omni-Sales Live</main>;
}
