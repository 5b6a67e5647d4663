// `import Likely` gives the whole framework.
@_exported import Distributions
@_exported import LikelyData
@_exported import LikelyNN
@_exported import LikelyTensor
