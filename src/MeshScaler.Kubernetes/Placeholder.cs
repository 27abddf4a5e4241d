namespace MeshScaler.Kubernetes; internal static class Placeholder { }
