#!/usr/bin/env node
// After `npm install`: on a Node older than Electron's tooling asks for, npm has just printed
// EBADENGINE warnings for five of Electron's packages. Say in one line what they mean here, so
// nobody has to puzzle over them (README.md, "Node versions", has the whole table).
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.log(
    `Lookout: the EBADENGINE warnings above are Electron's desktop and packaging tools asking for Node >= 22.12; on this Node (${process.version}) the console, \`npm start\`, \`npm test\` and Electron's first-start download work, \`npm run dist\` needs Node >= 22.12 (README.md, "Node versions").`
  )
}
