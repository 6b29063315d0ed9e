package camera

import (
	"os"
	"syscall"
	"unsafe"
)

// v4l2Capability is struct v4l2_capability (linux/videodev2.h).
type v4l2Capability struct {
	driver       [16]byte
	card         [32]byte
	busInfo      [32]byte
	version      uint32
	capabilities uint32
	deviceCaps   uint32
	reserved     [3]uint32
}

const (
	vidiocQuerycap        = 0x80685600 // _IOR('V', 0, struct v4l2_capability)
	capVideoCapture       = 0x00000001
	capVideoCaptureMplane = 0x00001000
	capDeviceCaps         = 0x80000000
)

// canCapture asks the node whether it captures video (VIDIOC_QUERYCAP);
// known is false when it cannot be asked.
func canCapture(path string) (yes, known bool) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false, false
	}
	defer f.Close()
	var c v4l2Capability
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), vidiocQuerycap, uintptr(unsafe.Pointer(&c)))
	if errno != 0 {
		return false, false
	}
	caps := c.capabilities
	if caps&capDeviceCaps != 0 {
		caps = c.deviceCaps
	}
	return caps&(capVideoCapture|capVideoCaptureMplane) != 0, true
}
