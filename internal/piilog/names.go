package piilog

// TestNames are the graduates' names the kiosk's tests and demo use:
// none may reach a log.
var TestNames = []string{"李晓明", "王芳", "Anna Schmidt", "张晓明", "钱二", "张晓晓", "王晓"}
