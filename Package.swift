// swift-tools-version: 6.0
// Likely: probabilistic deep learning in Swift. The module graph points one way (each line
// is a target and its direct dependencies, as declared below):
//   LikelyCLI      → Likely, ArgumentParser   (Likely re-exports Distributions, LikelyNN,
//   Examples, LikelyMPIProbe → Likely          LikelyData, LikelyTensor: nothing else is imported)
//   Likely         → Distributions, LikelyNN, LikelyData, LikelyTensor, CGSL, CMPI
//   Distributions  → LikelyTensor, CGSL       (never LikelyNN: a head in Likely joins the two)
//   LikelyNN       → LikelyTensor, CGSL, CKernels
//   LikelyData     → LikelyTensor, CZlib
//   LikelyTensor   → CGSL
import PackageDescription

let package = Package(
    name: "Likely",
    products: [
        .executable(name: "likely", targets: ["LikelyCLI"]),
        .library(name: "Likely", targets: ["Likely"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` (make docs): DocC catalogs beside each library module.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C libraries
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // Open MPI, opened with dlopen only under mpirun (see docs/scale-out.md): links only libdl.
        .target(name: "CMPI", path: "Sources/CMPI", linkerSettings: [.linkedLibrary("dl")]),
        // Direct convolution kernels with AVX2 + FMA intrinsics, chosen at run time (docs/performance.md).
        .target(name: "CKernels", path: "Sources/CKernels"),

        // Swift modules
        .target(name: "LikelyTensor", dependencies: ["CGSL"]),
        .target(name: "Distributions", dependencies: ["LikelyTensor", "CGSL"], path: "Distributions"),
        .target(name: "LikelyNN", dependencies: ["LikelyTensor", "CGSL", "CKernels"]),
        .target(name: "LikelyData", dependencies: ["LikelyTensor", "CZlib"]),
        .target(name: "Likely", dependencies: ["LikelyTensor", "Distributions", "LikelyNN", "LikelyData", "CGSL", "CMPI"]),
        .executableTarget(
            name: "LikelyCLI",
            dependencies: [
                "Likely",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // A small program that exercises the communicator under mpirun, driven by LikelyTests.
        .executableTarget(name: "LikelyMPIProbe", dependencies: ["Likely"]),

        // Examples: one short program each (docs/examples.md)
        .executableTarget(name: "HeteroscedasticRegression", dependencies: ["Likely"], path: "Examples/HeteroscedasticRegression"),
        .executableTarget(name: "FashionMNISTUncertainty", dependencies: ["Likely"], path: "Examples/FashionMNISTUncertainty"),
        .executableTarget(name: "PoissonRegression", dependencies: ["Likely"], path: "Examples/PoissonRegression"),
        .executableTarget(name: "BernoulliClassifier", dependencies: ["Likely"], path: "Examples/BernoulliClassifier"),
        .executableTarget(name: "CSVClassifier", dependencies: ["Likely"], path: "Examples/CSVClassifier"),
        .executableTarget(name: "QuickStart", dependencies: ["Likely"], path: "Examples/QuickStart"),
        .executableTarget(name: "TransferLearning", dependencies: ["Likely"], path: "Examples/TransferLearning"),

        // Tests
        .target(name: "LikelyTestSupport", dependencies: ["LikelyTensor"], path: "Tests/LikelyTestSupport"),
        .testTarget(name: "LikelyTensorTests", dependencies: ["LikelyTensor", "LikelyTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DistributionsTests", dependencies: ["Distributions", "LikelyTensor", "LikelyTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "LikelyNNTests", dependencies: ["LikelyNN", "LikelyTensor", "LikelyTestSupport", "CZlib"]),
        .testTarget(name: "LikelyDataTests", dependencies: ["LikelyData", "LikelyTensor", "LikelyTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "LikelyTests", dependencies: ["Likely", "LikelyTestSupport"], exclude: ["Fixtures"]),
        // Runs the built `likely` executable end to end on small generated files.
        .testTarget(name: "LikelyCLITests", dependencies: ["Likely", "LikelyTestSupport"]),
    ]
)
