import Foundation
import PackagePlugin

/// Turns folders of text files into Swift sources at build time, so the `sundial` binary
/// carries them and works wherever it is copied: the web UI (`WebUI/Assets`) and the
/// Metronome API description Metronome serves under `/public` (`Metronome/Public`). No
/// committed generated file can drift from its sources, and editing one rebuilds only this
/// target.
@main
struct EmbedWebUI: BuildToolPlugin {
    static let folders: [(directory: String, enumName: String)] = [
        ("WebUI/Assets", "EmbeddedWebUIAssets"),
        ("Metronome/Public", "EmbeddedMetronomePublicFiles"),
    ]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "sundial-embed-assets").url
        return Self.folders.map { folder in
            let root = target.directoryURL.appending(path: folder.directory)
            var inputs: [URL] = []
            if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
                for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                    inputs.append(url)
                }
            }
            let output = context.pluginWorkDirectoryURL.appending(path: folder.enumName + ".swift")
            return .buildCommand(
                displayName: "Embedding \(inputs.count) files of \(folder.directory)",
                executable: tool,
                arguments: [root.path, output.path, folder.enumName],
                inputFiles: inputs.sorted { $0.path < $1.path },
                outputFiles: [output])
        }
    }
}
