/* pcscope BIOS: COM1 (a 16550 UART at 0x3f8), where INT 10h teletype output is copied. */
#include "bios.h"

#define COM1 0x3f8
#define UART_THR 0       /* transmit holding register */
#define UART_IER 1       /* interrupt enable */
#define UART_FCR 2       /* FIFO control */
#define UART_LCR 3       /* line control */
#define UART_MCR 4       /* modem control */
#define UART_LSR 5       /* line status */
#define UART_SCR 7       /* scratch */
#define UART_DLL 0       /* divisor latch, with LCR.DLAB */
#define UART_DLM 1
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_THRE 0x20    /* transmit holding register empty */
#define MCR_DTR_RTS 0x03
#define TX_SPIN_LIMIT 100000

static int com1_present;

/* Finds COM1 (scratch register echo) and sets it to 115200 baud 8N1, FIFOs on, no interrupts.
 * Its presence is not logged: the same log must come out of machines with and without COM1. */
void serial_setup(void) {
  outb(0x5a, COM1 + UART_SCR);
  if (inb(COM1 + UART_SCR) != 0x5a) return;
  outb(0xa5, COM1 + UART_SCR);
  if (inb(COM1 + UART_SCR) != 0xa5) return;
  com1_present = 1;
  outb(0, COM1 + UART_IER);
  outb(LCR_DLAB, COM1 + UART_LCR);
  outb(1, COM1 + UART_DLL);
  outb(0, COM1 + UART_DLM);
  outb(LCR_8N1, COM1 + UART_LCR);
  outb(0x07, COM1 + UART_FCR);
  outb(MCR_DTR_RTS, COM1 + UART_MCR);
}

/* The COM1 base port for the BDA, 0 when there is no UART. */
u16 serial_port(void) { return com1_present ? COM1 : 0; }

/* Sends one character when COM1 exists; gives up on a UART that never drains. */
void serial_putc(char c) {
  if (!com1_present) return;
  for (u32 i = 0; i < TX_SPIN_LIMIT; i++)
    if (inb(COM1 + UART_LSR) & LSR_THRE) break;
  outb((u8)c, COM1 + UART_THR);
}
