import Foundation
import PackagePlugin

/// Turns the web UI's files (`WebUI/Assets` of the target) into a Swift source at build time,
/// so the `sundial` binary carries them and works wherever it is copied. No committed
/// generated file can drift from the assets, and editing an asset rebuilds only this target.
@main
struct EmbedWebUI: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let assets = target.directoryURL.appending(path: "WebUI/Assets")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: assets, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                inputs.append(url)
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedWebUIAssets.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) web UI assets",
                executable: try context.tool(named: "sundial-embed-assets").url,
                arguments: [assets.path, output.path],
                inputFiles: inputs.sorted { $0.path < $1.path },
                outputFiles: [output])
        ]
    }
}
