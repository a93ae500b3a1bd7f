namespace MalariaLab; public static class Placeholder {}
